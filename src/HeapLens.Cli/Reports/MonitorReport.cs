using System.Globalization;
using HeapLens.Monitoring;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace HeapLens.Cli.Reports;

/// <summary>The monitor's live view, its closing summary in text, and its JSON object.</summary>
internal static class MonitorReport
{
    public static IRenderable LiveView(string target, MonitorStatus status)
    {
        var grid = Facts();
        grid.AddRow("[bold]Monitoring[/]", Markup.Escape($"{target}, {Seconds(status.Seconds)} (Ctrl+C to stop)"));
        AddHeapRows(grid, status.Gcs, status.FullGcs, status.LastGc, status.BaselineFloor, status.Trend);
        grid.AddRow("Captures", Markup.Escape(status.Captures.Count == 0 ? "none yet" : CaptureLine(status.Captures[^1], status.Captures.Count)));
        return grid;
    }

    public static void WriteSummary(IAnsiConsole console, MonitorSummary summary, string? chartPath)
    {
        var grid = Facts();
        grid.AddRow("[bold]Monitored[/]", Markup.Escape(
            $"{summary.ProcessName} (pid {summary.ProcessId}) for {Seconds(summary.Seconds)}: {EndText(summary.EndReason)}"));
        AddHeapRows(grid, summary.Gcs, summary.FullGcs, summary.History.Last, summary.BaselineFloor, summary.Trend);
        grid.AddRow("Why", Markup.Escape(summary.Trend.Reason));
        grid.AddRow("Captures", Markup.Escape(summary.Captures.Count == 0 ? "none" : Sizes.Count(summary.Captures.Count)));
        foreach (var capture in summary.Captures)
            grid.AddRow("", Markup.Escape($"{capture.TimeUtc:HH:mm:ss}  {capture.Trigger,-10}  {capture.Kind,-8}  {capture.Path ?? capture.Error ?? "(logged only)"}"));
        grid.AddRow("Timeline", Markup.Escape(summary.TimelinePath));
        if (chartPath is not null)
            grid.AddRow("Chart", Markup.Escape(chartPath));
        if (summary.CaptureLogPath is not null)
            grid.AddRow("Capture log", Markup.Escape(summary.CaptureLogPath));
        if (summary.EventsLost > 0)
            grid.AddRow("[yellow]Events lost[/]", Markup.Escape($"{summary.EventsLost} (the timeline has gaps)"));
        console.Write(grid);
    }

    public static object Json(MonitorSummary summary, string? chartPath) => new
    {
        leak = summary.Trend.Leak,
        pattern = PatternName(summary.Trend.Pattern),
        floorSlopeBytesPerSecond = Math.Round(summary.Trend.SlopeBytesPerSecond, 1),
        gcs = summary.Gcs,
        captures = summary.Captures.Select(c => new
        {
            time = c.TimeUtc,
            seconds = Math.Round(c.Seconds, 3),
            trigger = c.Trigger,
            detail = c.Detail,
            kind = c.Kind,
            path = c.Path,
            error = c.Error,
        }),
        fullGcs = summary.FullGcs,
        processId = summary.ProcessId,
        processName = summary.ProcessName,
        seconds = Math.Round(summary.Seconds, 1),
        endReason = summary.EndReason,
        heapAfterLastGcBytes = summary.History.Last?.HeapAfter,
        baselineFloorBytes = summary.BaselineFloor,
        trend = TrendReport.Json(summary.Trend),
        timeline = summary.TimelinePath,
        chart = chartPath,
        captureLog = summary.CaptureLogPath,
        eventsLost = summary.EventsLost,
    };

    public static string PatternName(TrendPattern pattern) => pattern switch
    {
        TrendPattern.RisingFloor => "rising-floor",
        TrendPattern.Flat => "flat",
        TrendPattern.Sawtooth => "sawtooth",
        _ => "unknown",
    };

    private static void AddHeapRows(Grid grid, long gcs, long fullGcs, GcEvent? last, long? baseline, TrendResult trend)
    {
        grid.AddRow("GCs", Markup.Escape($"{Sizes.Count(gcs)} ({Sizes.Count(fullGcs)} full)"));
        grid.AddRow("Heap now", Markup.Escape(last is null ? "no GC yet"
            : $"{Sizes.Format(last.HeapAfter)} after the last GC (gen{last.Generation}, {Sizes.Format(last.HeapBefore)} before it)"));
        if (last is not null)
            grid.AddRow("Last GC", Markup.Escape(
                $"#{last.Number} gen{last.Generation} ({last.Reason}), paused {last.PauseMilliseconds.ToString("0.##", CultureInfo.InvariantCulture)} ms, " +
                $"allocating {Sizes.Format((long)last.AllocationRate)}/s before it"));
        grid.AddRow("Floor", Markup.Escape(trend.FloorBytes == 0 ? "not yet known"
            : $"{Sizes.Format(trend.FloorBytes)}" + (baseline is long b ? $" (baseline {Sizes.Format(b)})" : "")));
        grid.AddRow("Floor slope", Markup.Escape(trend.Pattern == TrendPattern.Unknown ? "not yet known"
            : $"{TrendText.Slope(trend.SlopeBytesPerSecond)} (95% CI {TrendText.Slope(trend.SlopeLow)} to {TrendText.Slope(trend.SlopeHigh)}), " +
              $"{TrendText.Percent(trend.Confidence)} sure it rises, from the {TrendText.Source(trend.Source)}"));
        string verdict = TrendText.Verdict(trend.Pattern);
        grid.AddRow("Verdict", trend.Leak ? $"[red bold]{Markup.Escape(verdict)}[/]" : Markup.Escape(verdict));
    }

    private static Grid Facts()
    {
        var grid = new Grid();
        grid.AddColumn(new GridColumn().NoWrap().PadRight(2));
        grid.AddColumn();
        return grid;
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
