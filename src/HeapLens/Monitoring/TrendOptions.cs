namespace HeapLens.Monitoring;

/// <summary>The knobs of the floor-trend analysis; the defaults suit a monitor run of a minute or more.</summary>
public sealed record TrendOptions
{
    /// <summary>GCs in the first seconds are ignored: start-up fills caches and JITs code.</summary>
    public double WarmupSeconds { get; init; } = 10;

    /// <summary>
    /// Analyse only the most recent stretch of this many seconds (null: everything after the
    /// warm-up). Over hours, a leak that began late would hide behind a long flat past.
    /// </summary>
    public double? WindowSeconds { get; init; }

    /// <summary>No verdict before the floor has been watched this long after the warm-up.</summary>
    public double MinimumSpanSeconds { get; init; } = 20;

    /// <summary>
    /// Fewest floor points for a verdict. The Mann-Kendall test cannot reach 95% on fewer than four;
    /// one more keeps a single odd point from deciding.
    /// </summary>
    public int MinimumFloorPoints { get; init; } = 5;

    /// <summary>How many windows the lower envelope cuts the analysed stretch into.</summary>
    public int EnvelopeWindows { get; init; } = 12;

    /// <summary>Probability of a rise (Mann-Kendall) needed to call a leak.</summary>
    public double LeakConfidence { get; init; } = 0.95;

    /// <summary>
    /// A rise must also matter: over the analysed stretch the floor must grow by at least this
    /// fraction of its median and by at least <see cref="MinimumGrowthBytes"/>. Keeps a large
    /// cache that drifts by a few kilobytes from being called a leak.
    /// </summary>
    public double MinimumGrowthFraction { get; init; } = 0.10;

    public long MinimumGrowthBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// Between GCs the heap grows by the allocations and falls back; when that swing is at least
    /// this fraction of the floor, a steady floor is called a sawtooth rather than flat.
    /// </summary>
    public double SawtoothSwingFraction { get; init; } = 0.5;
}
