namespace HeapLens.Timelines;

/// <summary>Heap bytes per generation, as the GC reports them after a collection.</summary>
public readonly record struct GenerationSizes(long Gen0, long Gen1, long Gen2, long LargeObjects, long PinnedObjects)
{
    public long Total => Gen0 + Gen1 + Gen2 + LargeObjects + PinnedObjects;
}

/// <summary>
/// One garbage collection as seen from outside the process: when, which generation and why, how
/// long the threads stood still, and what the heap looked like before and after it.
/// </summary>
/// <param name="Number">The runtime's GC counter (GCStart.Count).</param>
/// <param name="Seconds">When the GC started, in seconds since the timeline began.</param>
/// <param name="Generation">Condemned generation: 0, 1 or 2 (2 is a full GC).</param>
/// <param name="Reason">Why it ran (AllocSmall, Induced, LowMemory...).</param>
/// <param name="Kind">NonConcurrentGC, BackgroundGC or ForegroundGC.</param>
/// <param name="PauseMilliseconds">Time the runtime was suspended for it.</param>
/// <param name="HeapBefore">Heap bytes when it started (all generations).</param>
/// <param name="After">Heap bytes per generation when it finished.</param>
/// <param name="PromotedBytes">Bytes that survived it.</param>
/// <param name="FragmentationBytes">Free space left inside the heap after it.</param>
/// <param name="AllocatedBytes">Bytes allocated since the previous GC finished (heap growth between the two).</param>
/// <param name="AllocationRate">AllocatedBytes per second of the time between the two GCs; 0 for the first GC.</param>
public sealed record GcEvent(
    long Number,
    double Seconds,
    int Generation,
    string Reason,
    string Kind,
    double PauseMilliseconds,
    long HeapBefore,
    GenerationSizes After,
    long PromotedBytes,
    long FragmentationBytes,
    long AllocatedBytes,
    double AllocationRate)
{
    public long HeapAfter => After.Total;

    /// <summary>A gen2 GC looks at every object, so its heap-after is a true measure of what is alive.</summary>
    public bool IsFull => Generation >= 2;
}
