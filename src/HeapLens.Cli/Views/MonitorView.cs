using System.Globalization;
using HeapLens.Monitoring;
using HeapLens.Reports;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace HeapLens.Cli.Views;

/// <summary>The monitor's live view while it runs, and the text of its closing summary.</summary>
internal static class MonitorView
{
    public static IRenderable Live(string target, MonitorStatus status)
    {
        var grid = TrendText.Facts();
        grid.AddRow("[bold]Monitoring[/]", Markup.Escape($"{target}, {Seconds(status.Seconds)} (Ctrl+C to stop)"));
        AddHeapRows(grid, status.Gcs, status.FullGcs, LastGcRow.Of(status.LastGc), status.BaselineFloor, FloorTrend.Of(status.Trend));
        grid.AddRow("Captures", Markup.Escape(status.Captures.Count == 0 ? "none yet" : CaptureLine(status.Captures[^1], status.Captures.Count)));
        return grid;
    }

    public static void Write(MonitorReport report, IAnsiConsole console)
    {
        var grid = TrendText.Facts();
        grid.AddRow("[bold]Monitored[/]", Markup.Escape(
            $"{report.ProcessName} (pid {report.ProcessId}) for {Seconds(report.Seconds)}: {EndText(report.EndReason)}"));
        AddHeapRows(grid, report.Gcs, report.FullGcs, report.LastGc, report.BaselineFloorBytes, report.Trend);
        grid.AddRow("Why", Markup.Escape(report.Trend.Reason));
        grid.AddRow("Captures", Markup.Escape(report.Captures.Count == 0 ? "none" : Sizes.Count(report.Captures.Count)));
        foreach (var capture in report.Captures)
            grid.AddRow("", Markup.Escape($"{capture.Time:HH:mm:ss}  {capture.Trigger,-10}  {capture.Kind,-8}  {capture.Path ?? capture.Error ?? "(logged only)"}"));
        grid.AddRow("Timeline", Markup.Escape(report.Timeline));
        if (report.Chart is not null)
            grid.AddRow("Chart", Markup.Escape(report.Chart));
        if (report.CaptureLog is not null)
            grid.AddRow("Capture log", Markup.Escape(report.CaptureLog));
        if (report.EventsLost > 0)
            grid.AddRow("[yellow]Events lost[/]", Markup.Escape($"{report.EventsLost} (the timeline has gaps)"));
        console.Write(grid);
    }

    private static void AddHeapRows(Grid grid, long gcs, long fullGcs, LastGcRow? last, long? baseline, FloorTrend trend)
    {
        grid.AddRow("GCs", Markup.Escape($"{Sizes.Count(gcs)} ({Sizes.Count(fullGcs)} full)"));
        grid.AddRow("Heap now", Markup.Escape(last is null ? "no GC yet"
            : $"{Sizes.Format(last.HeapAfterBytes)} after the last GC (gen{last.Generation}, {Sizes.Format(last.HeapBeforeBytes)} before it)"));
        if (last is not null)
            grid.AddRow("Last GC", Markup.Escape(
                $"#{last.Number} gen{last.Generation} ({last.Reason}), paused {last.PauseMilliseconds.ToString("0.##", CultureInfo.InvariantCulture)} ms, " +
                $"allocating {Sizes.Format((long)last.AllocationRate)}/s before it"));
        grid.AddRow("Floor", Markup.Escape(trend.FloorBytes == 0 ? "not yet known"
            : $"{Sizes.Format(trend.FloorBytes)}" + (baseline is long b ? $" (baseline {Sizes.Format(b)})" : "")));
        grid.AddRow("Floor slope", Markup.Escape(trend.Pattern == TrendPattern.Unknown ? "not yet known"
            : $"{TrendText.Slope(trend.FloorSlopeBytesPerSecond)} ({TrendText.Interval(trend)}), " +
              $"{TrendText.Percent(trend.Confidence)} sure it rises, from the {TrendText.Source(trend.FloorSource)}"));
        grid.AddRow("Verdict", TrendText.VerdictMarkup(trend));
    }

    private static string CaptureLine(CaptureRecord last, int count) =>
        $"{count}; last at {last.TimeUtc:HH:mm:ss} ({last.Trigger}): {last.Path ?? last.Error ?? "logged only"}";

    private static string EndText(MonitorEndReason reason) => reason switch
    {
        MonitorEndReason.Duration => "duration reached",
        MonitorEndReason.TargetExited => "the target exited",
        _ => "stopped by the user",
    };

    private static string Seconds(double seconds) =>
        seconds < 120 ? seconds.ToString("0", CultureInfo.InvariantCulture) + " s"
            : TimeSpan.FromSeconds(Math.Round(seconds)).ToString(seconds < 3600 ? @"m\:ss" : @"h\:mm\:ss", CultureInfo.InvariantCulture);
}
