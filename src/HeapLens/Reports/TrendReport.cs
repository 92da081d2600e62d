using HeapLens.Monitoring;
using HeapLens.Timelines;
using HeapLens.Formats.GcTimeline;

namespace HeapLens.Reports;

/// <summary>
/// `trend`: the floor analysis of a recorded GC timeline, with what its text and its chart show: the
/// process, the GC counts, the last GC and the bounded history of the heap.
/// </summary>
/// <param name="Timeline">The timeline file as given.</param>
/// <param name="Chart">The chart written next to it, null when none.</param>
/// <param name="Seconds">Time of the last GC, in seconds since the timeline began.</param>
/// <param name="History">The heap over time, in buckets, for a chart.</param>
public sealed record TrendReport(
    bool Leak,
    TrendPattern Pattern,
    double FloorSlopeBytesPerSecond,
    long Gcs,
    long FullGcs,
    int ProcessId,
    string ProcessName,
    DateTime StartTime,
    string Timeline,
    string? Chart,
    FloorTrend Trend,
    double Seconds,
    LastGcRow? LastGc,
    IReadOnlyList<GcBucketRow> History)
{
    public static TrendReport Create(string timelinePath, GcTimelineHeader header, GcHistory history, TrendOptions options, string? chartPath)
    {
        var trend = FloorTrend.Of(TrendAnalyzer.Analyze(history, options));
        double seconds = history.Buckets.Count > 0 ? history.Buckets[^1].EndSeconds : 0;
        return new TrendReport(trend.Leak, trend.Pattern, trend.FloorSlopeBytesPerSecond, history.Count, history.FullCount,
            header.ProcessId, header.ProcessName, header.StartTimeUtc, timelinePath, chartPath, trend,
            Math.Round(seconds, 3), LastGcRow.Of(history.Last), GcBucketRow.Of(history));
    }
}
