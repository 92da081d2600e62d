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
