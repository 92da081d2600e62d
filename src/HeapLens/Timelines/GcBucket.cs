namespace HeapLens.Timelines;

/// <summary>
/// The GCs of one stretch of time, boiled down to what the trend analysis and the chart need:
/// the highest heap before a GC, the lowest heap after one, the lowest settled heap after one
/// (see <see cref="SettledHeap"/>), and the lowest after a full GC.
/// </summary>
public sealed class GcBucket
{
    public double StartSeconds { get; private set; }
    public double EndSeconds { get; private set; }
    public int Count { get; private set; }
    public int FullCount { get; private set; }
    public long MaxBefore { get; private set; }
    public long MinAfter { get; private set; } = long.MaxValue;
    public double MinAfterSeconds { get; private set; }
    public long MaxAfter { get; private set; }
    /// <summary>The lowest heap after a GC counting only what a collection vouched for: the floor's measure.</summary>
    public long MinSettled { get; private set; } = long.MaxValue;
    public double MinSettledSeconds { get; private set; }
    public long MinFullAfter { get; private set; } = long.MaxValue;
    public double MinFullAfterSeconds { get; private set; }

    internal static GcBucket Of(GcEvent gc, long settled)
    {
        var bucket = new GcBucket { StartSeconds = gc.Seconds };
        bucket.Add(gc, settled);
        return bucket;
    }

    internal void Add(GcEvent gc, long settled)
    {
        EndSeconds = Math.Max(EndSeconds, gc.Seconds);
        Count++;
        MaxBefore = Math.Max(MaxBefore, gc.HeapBefore);
        MaxAfter = Math.Max(MaxAfter, gc.HeapAfter);
        if (gc.HeapAfter < MinAfter)
        {
            MinAfter = gc.HeapAfter;
            MinAfterSeconds = gc.Seconds;
        }
        if (settled < MinSettled)
        {
            MinSettled = settled;
            MinSettledSeconds = gc.Seconds;
        }
        if (gc.IsFull)
        {
            FullCount++;
            if (gc.HeapAfter < MinFullAfter)
            {
                MinFullAfter = gc.HeapAfter;
                MinFullAfterSeconds = gc.Seconds;
            }
        }
    }

    internal void Absorb(GcBucket later)
    {
        EndSeconds = Math.Max(EndSeconds, later.EndSeconds);
        Count += later.Count;
        FullCount += later.FullCount;
        MaxBefore = Math.Max(MaxBefore, later.MaxBefore);
        MaxAfter = Math.Max(MaxAfter, later.MaxAfter);
        if (later.MinAfter < MinAfter)
        {
            MinAfter = later.MinAfter;
            MinAfterSeconds = later.MinAfterSeconds;
        }
        if (later.MinSettled < MinSettled)
        {
            MinSettled = later.MinSettled;
            MinSettledSeconds = later.MinSettledSeconds;
        }
        if (later.MinFullAfter < MinFullAfter)
        {
            MinFullAfter = later.MinFullAfter;
            MinFullAfterSeconds = later.MinFullAfterSeconds;
        }
    }
}
