using HeapLens.Monitoring;
using HeapLens.Reports;
using Spectre.Console;

namespace HeapLens.Cli.Views;

/// <summary>The text of `trend`: one fact a row, the verdict and why.</summary>
internal static class TrendView
{
    public static void Write(TrendReport report, IAnsiConsole console)
    {
        var trend = report.Trend;
        var grid = TrendText.Facts();
        grid.AddRow("[bold]Timeline[/]", Markup.Escape($"{report.Timeline}: {report.ProcessName} (pid {report.ProcessId}), from {report.StartTime:yyyy-MM-dd HH:mm:ss} UTC"));
        grid.AddRow("GCs", Markup.Escape($"{Sizes.Count(report.Gcs)} ({Sizes.Count(report.FullGcs)} full) over {report.Seconds:0} s"));
        if (report.LastGc is { } last)
            grid.AddRow("Last GC", Markup.Escape($"{Sizes.Format(last.HeapAfterBytes)} after, {Sizes.Format(last.HeapBeforeBytes)} before (gen{last.Generation})"));
        grid.AddRow("Floor", Markup.Escape(trend.FloorBytes == 0 ? "not known" : Sizes.Format(trend.FloorBytes)));
        if (trend.Pattern != TrendPattern.Unknown)
            grid.AddRow("Floor slope", Markup.Escape(
                $"{TrendText.Slope(trend.FloorSlopeBytesPerSecond)} ({TrendText.Interval(trend)}), " +
                $"{TrendText.Percent(trend.Confidence)} sure it rises, from {trend.FloorPoints.Count} points: {TrendText.Source(trend.FloorSource)}"));
        grid.AddRow("Verdict", TrendText.VerdictMarkup(trend));
        grid.AddRow("Why", Markup.Escape(trend.Reason));
        if (report.Chart is not null)
            grid.AddRow("Chart", Markup.Escape(report.Chart));
        console.Write(grid);
    }
}
