using HeapLens.Monitoring;
using Spectre.Console;

namespace HeapLens.Cli.Reports;

/// <summary>The `trend` command's report on a recorded timeline.</summary>
internal static class TrendReport
{
    public static void WriteText(IAnsiConsole console, string timelinePath, GcTimelineHeader header, GcHistory history,
        TrendResult trend, string? chartPath)
    {
        var grid = new Grid();
        grid.AddColumn(new GridColumn().NoWrap().PadRight(2));
        grid.AddColumn();
        grid.AddRow("[bold]Timeline[/]", Markup.Escape($"{timelinePath}: {header.ProcessName} (pid {header.ProcessId}), from {header.StartTimeUtc:yyyy-MM-dd HH:mm:ss} UTC"));
        double seconds = history.Buckets.Count > 0 ? history.Buckets[^1].EndSeconds : 0;
        grid.AddRow("GCs", Markup.Escape($"{Sizes.Count(history.Count)} ({Sizes.Count(history.FullCount)} full) over {seconds:0} s"));
        if (history.Last is { } last)
            grid.AddRow("Last GC", Markup.Escape($"{Sizes.Format(last.HeapAfter)} after, {Sizes.Format(last.HeapBefore)} before (gen{last.Generation})"));
        grid.AddRow("Floor", Markup.Escape(trend.FloorBytes == 0 ? "not known" : Sizes.Format(trend.FloorBytes)));
        if (trend.Pattern != TrendPattern.Unknown)
            grid.AddRow("Floor slope", Markup.Escape(
                $"{TrendText.Slope(trend.SlopeBytesPerSecond)} (95% CI {TrendText.Slope(trend.SlopeLow)} to {TrendText.Slope(trend.SlopeHigh)}), " +
                $"{TrendText.Percent(trend.Confidence)} sure it rises, from {trend.FloorPoints.Count} points: {TrendText.Source(trend.Source)}"));
        string verdict = TrendText.Verdict(trend.Pattern);
        grid.AddRow("Verdict", trend.Leak ? $"[red bold]{Markup.Escape(verdict)}[/]" : Markup.Escape(verdict));
        grid.AddRow("Why", Markup.Escape(trend.Reason));
        if (chartPath is not null)
            grid.AddRow("Chart", Markup.Escape(chartPath));
        console.Write(grid);
    }

    public static object Json(TrendResult trend) => new
    {
        leak = trend.Leak,
        pattern = MonitorReport.PatternName(trend.Pattern),
        floorSlopeBytesPerSecond = Math.Round(trend.SlopeBytesPerSecond, 1),
        floorSlopeLowBytesPerSecond = Finite(trend.SlopeLow),
        floorSlopeHighBytesPerSecond = Finite(trend.SlopeHigh),
        growthMBPerMinute = Math.Round(trend.GrowthMegabytesPerMinute, 3),
        confidence = Math.Round(trend.Confidence, 4),
        floorBytes = trend.FloorBytes,
        floorSource = trend.Source,
        swing = Math.Round(trend.SwingFraction, 3),
        analysedFromSeconds = Math.Round(trend.FromSeconds, 3),
        analysedToSeconds = Math.Round(trend.ToSeconds, 3),
        reason = trend.Reason,
        floorPoints = trend.FloorPoints.Select(p => new { seconds = Math.Round(p.Seconds, 3), bytes = p.Bytes }),
    };

    // JSON has no infinity: an open-ended interval (too few points) is null.
    private static double? Finite(double value) => double.IsFinite(value) ? Math.Round(value, 1) : null;

    public static object Json(string timelinePath, GcTimelineHeader header, GcHistory history, TrendResult trend, string? chartPath) => new
    {
        leak = trend.Leak,
        pattern = MonitorReport.PatternName(trend.Pattern),
        floorSlopeBytesPerSecond = Math.Round(trend.SlopeBytesPerSecond, 1),
        gcs = history.Count,
        fullGcs = history.FullCount,
        processId = header.ProcessId,
        processName = header.ProcessName,
        startTime = header.StartTimeUtc,
        timeline = timelinePath,
        chart = chartPath,
        trend = Json(trend),
    };
}
