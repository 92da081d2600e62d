using HeapLens.Collection;
using HeapLens.Monitoring;
using HeapLens.Timelines;

namespace HeapLens.Reports;

/// <summary>
/// The GC timeline of a live, watched process and the floor verdict so far: what `/debug/heaplens/gc`
/// serves. The same parts as <see cref="TrendReport"/> (verdict first, then <see cref="FloorTrend"/>,
/// the last GC and the bounded history), without the files a recorded timeline has.
/// </summary>
/// <param name="StartTime">When the watch began (UTC): second 0 of the history.</param>
/// <param name="Seconds">Time of the last GC, in seconds since the watch began.</param>
public sealed record GcReport(
    bool Leak,
    TrendPattern Pattern,
    double FloorSlopeBytesPerSecond,
    long Gcs,
    long FullGcs,
    int ProcessId,
    string ProcessName,
    DateTime StartTime,
    FloorTrend Trend,
    double Seconds,
    LastGcRow? LastGc,
    IReadOnlyList<GcBucketRow> History)
{
    public static GcReport Create(DotNetProcess process, DateTime startTimeUtc, GcHistory history, TrendOptions options)
    {
        var trend = FloorTrend.Of(TrendAnalyzer.Analyze(history, options));
        double seconds = history.Buckets.Count > 0 ? history.Buckets[^1].EndSeconds : 0;
        return new GcReport(trend.Leak, trend.Pattern, trend.FloorSlopeBytesPerSecond, history.Count, history.FullCount,
            process.Id, process.Name, startTimeUtc, trend, Math.Round(seconds, 3), LastGcRow.Of(history.Last), GcBucketRow.Of(history));
    }
}
