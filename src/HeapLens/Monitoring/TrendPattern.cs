namespace HeapLens.Monitoring;

/// <summary>What the post-GC floor is doing.</summary>
public enum TrendPattern
{
    /// <summary>Too little data after the warm-up to tell.</summary>
    Unknown,
    /// <summary>The floor keeps rising: memory is retained and never given back (a leak).</summary>
    RisingFloor,
    /// <summary>The floor holds still and the heap barely swings: a stable working set, however large.</summary>
    Flat,
    /// <summary>The floor holds still while the heap swings widely between GCs: healthy churn.</summary>
    Sawtooth,
}
