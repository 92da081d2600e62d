using HeapLens.Monitoring;

namespace HeapLens.Reports;

/// <summary>A trigger that fired during a monitor run and what was captured for it (or why nothing was).</summary>
/// <param name="Seconds">When, in seconds since the monitor started.</param>
public sealed record CaptureRow(DateTime Time, double Seconds, string Trigger, string Detail, string Kind, string? Path, string? Error);

/// <summary>
/// The summary of a `monitor` run: the verdict first (leak, pattern, slope, GCs and captures are the
/// contract of its JSON), then the details, the files written and the heap history for a chart.
/// </summary>
/// <param name="Seconds">How long the monitor ran.</param>
/// <param name="BaselineFloorBytes">The first floor after warm-up, the reference for --growth.</param>
/// <param name="Chart">The chart written, null when none.</param>
/// <param name="CaptureLog">The capture log, null when nothing fired.</param>
public sealed record MonitorReport(
    bool Leak,
    TrendPattern Pattern,
    double FloorSlopeBytesPerSecond,
    long Gcs,
    IReadOnlyList<CaptureRow> Captures,
    long FullGcs,
    int ProcessId,
    string ProcessName,
    double Seconds,
    MonitorEndReason EndReason,
    long? HeapAfterLastGcBytes,
    long? BaselineFloorBytes,
    FloorTrend Trend,
    string Timeline,
    string? Chart,
    string? CaptureLog,
    int EventsLost,
    LastGcRow? LastGc,
    IReadOnlyList<GcBucketRow> History)
{
    public static MonitorReport Create(MonitorSummary summary, string? chartPath)
    {
        var trend = FloorTrend.Of(summary.Trend);
        return new MonitorReport(
            trend.Leak,
            trend.Pattern,
            trend.FloorSlopeBytesPerSecond,
            summary.Gcs,
            summary.Captures.Select(c => new CaptureRow(c.TimeUtc, Math.Round(c.Seconds, 3), c.Trigger, c.Detail, c.Kind, c.Path, c.Error)).ToList(),
            summary.FullGcs,
            summary.ProcessId,
            summary.ProcessName,
            Math.Round(summary.Seconds, 1),
            summary.EndReason,
            summary.History.Last?.HeapAfter,
            summary.BaselineFloor,
            trend,
            summary.TimelinePath,
            chartPath,
            summary.CaptureLogPath,
            summary.EventsLost,
            LastGcRow.Of(summary.History.Last),
            GcBucketRow.Of(summary.History));
    }
}
