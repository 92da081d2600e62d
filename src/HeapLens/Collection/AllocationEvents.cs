namespace HeapLens.Collection;

/// <summary>Which runtime event an allocation profile is built from.</summary>
public enum AllocationEventKind
{
    /// <summary>.NET 10+ AllocationSampled: randomized per-byte sampling, unbiased estimates.</summary>
    AllocationSampled,

    /// <summary>GCAllocationTick (before .NET 10): one event per ~100 KB, biased for periodic patterns.</summary>
    AllocationTick,
}

/// <summary>The runtime provider's keywords for allocation events (Microsoft-Windows-DotNETRuntime).</summary>
internal static class AllocationKeywords
{
    public const long Gc = 0x1;
    public const long Loader = 0x8;
    public const long Jit = 0x10;
    public const long JittedMethodILToNativeMap = 0x20000;
    public const long AllocationSampling = 0x80000000000;

    /// <summary>GCBulkMovedObjectRanges, GCBulkSurvivingObjectRanges and GCGenerationRange: where each GC left the objects.</summary>
    public const long GcHeapSurvivalAndMovement = 0x400000;

    /// <summary>
    /// Method and module load events let stacks resolve for code jitted during the capture (rundown
    /// at the end describes what is still loaded); the IL-to-native maps give source lines.
    /// </summary>
    public const long Symbols = Loader | Jit | JittedMethodILToNativeMap;
}

/// <summary>
/// Survivor tracking needs the GC keyword only for GCStart (1) and GCEnd (2), which frame each GC's movement;
/// the keyword brings ~20 more events per GC that nothing here reads. A provider's event filter (.NET 10:
/// CollectTracing5) keeps the runtime from writing them: on an allocation-heavy target with ~1,400 GCs that is
/// ~26,000 fewer events and ~25-35 ms less target CPU (of inuse's ~80-120 ms); on a realistic target the
/// movement events themselves dominate and the saving is not measurable (bench/results/inuse-cost.md).
/// </summary>
internal static class GcEventsSurvivorTrackingSkips
{
    public static readonly uint[] Ids =
    [
        3, 7, 8, 9,          // GCRestartEEEnd, GCRestartEEBegin, GCSuspendEEEnd, GCSuspendEEBegin
        4, 204, 205,         // GCHeapStats, GCPerHeapHistory, GCGlobalHeapHistory
        13, 14, 29,          // GCFinalizersEnd, GCFinalizersBegin, FinalizeObject
        33, 35, 39,          // PinObjectAtGCTime, GCTriggered, GCCommittedUsage
        202, 203, 209,       // GCMarkWithType, GCJoin, GCFitBucketInfo
    ];
}
