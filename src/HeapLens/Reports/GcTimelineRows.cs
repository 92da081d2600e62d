using HeapLens.Monitoring;
using HeapLens.Timelines;

namespace HeapLens.Reports;

/// <summary>The most recent GC of a timeline, as the reports show it.</summary>
/// <param name="Number">The runtime's GC counter.</param>
/// <param name="AllocationRate">Bytes per second allocated between the previous GC and this one.</param>
public sealed record LastGcRow(
    long Number,
    int Generation,
    string Reason,
    double PauseMilliseconds,
    long HeapBeforeBytes,
    long HeapAfterBytes,
    double AllocationRate)
{
    public static LastGcRow? Of(GcEvent? gc) => gc is null ? null
        : new(gc.Number, gc.Generation, gc.Reason, Math.Round(gc.PauseMilliseconds, 3), gc.HeapBefore, gc.HeapAfter,
            Math.Round(gc.AllocationRate, 1));
}

/// <summary>
/// The GCs of one stretch of a timeline (a bucket of the bounded history): what a chart of the heap is
/// drawn from. Seconds count from the start of the timeline.
/// </summary>
/// <param name="MinFullAfterBytes">The lowest heap after a full GC in the stretch; null when none ran.</param>
public sealed record GcBucketRow(
    double StartSeconds,
    double EndSeconds,
    int Gcs,
    int FullGcs,
    long MaxBeforeBytes,
    long MaxAfterBytes,
    long MinAfterBytes,
    double MinAfterSeconds,
    long? MinFullAfterBytes,
    double? MinFullAfterSeconds)
{
    public static IReadOnlyList<GcBucketRow> Of(GcHistory history) => history.Buckets.Select(b => new GcBucketRow(
        Math.Round(b.StartSeconds, 3),
        Math.Round(b.EndSeconds, 3),
        b.Count,
        b.FullCount,
        b.MaxBefore,
        b.MaxAfter,
        b.MinAfter,
        Math.Round(b.MinAfterSeconds, 3),
        b.FullCount > 0 ? b.MinFullAfter : null,
        b.FullCount > 0 ? Math.Round(b.MinFullAfterSeconds, 3) : null)).ToList();
}
