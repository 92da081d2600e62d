namespace HeapLens.Monitoring;

/// <summary>A point of the post-GC floor: the heap left after the GCs around that time.</summary>
public readonly record struct FloorPoint(double Seconds, long Bytes);

/// <summary>Where the floor points came from.</summary>
public enum FloorSource
{
    None,
    /// <summary>Heap after full (gen2) GCs: each one a true count of what is alive.</summary>
    FullGcs,
    /// <summary>The lowest settled heap-after (<see cref="SettledHeap"/>) in each time window, when full GCs are too rare.</summary>
    LowerEnvelope,
}

/// <summary>The verdict on the post-GC floor, with the numbers behind it.</summary>
/// <param name="Pattern">Rising floor, flat, sawtooth, or unknown.</param>
/// <param name="SlopeBytesPerSecond">Theil-Sen slope of the floor.</param>
/// <param name="SlopeLow">Lower end of its 95% confidence interval.</param>
/// <param name="SlopeHigh">Upper end of its 95% confidence interval.</param>
/// <param name="Confidence">Probability that the floor rises (Mann-Kendall, one-sided).</param>
/// <param name="InterceptBytes">The fitted floor at second 0: floor(t) = Intercept + Slope·t.</param>
/// <param name="FloorBytes">The latest floor point (0 when there is none).</param>
/// <param name="SwingFraction">Median heap swing between GCs as a fraction of the floor.</param>
/// <param name="FromSeconds">Start of the analysed stretch (end of the warm-up).</param>
/// <param name="ToSeconds">End of the analysed stretch (the last GC).</param>
/// <param name="Reason">One sentence saying why the verdict is what it is.</param>
public sealed record TrendResult(
    TrendPattern Pattern,
    double SlopeBytesPerSecond,
    double SlopeLow,
    double SlopeHigh,
    double Confidence,
    double InterceptBytes,
    long FloorBytes,
    double SwingFraction,
    FloorSource Source,
    IReadOnlyList<FloorPoint> FloorPoints,
    double FromSeconds,
    double ToSeconds,
    string Reason)
{
    public bool Leak => Pattern == TrendPattern.RisingFloor;

    public double GrowthMegabytesPerMinute => SlopeBytesPerSecond * 60 / (1024 * 1024);

    /// <summary>The fitted floor at a time on the timeline.</summary>
    public double FittedFloorAt(double seconds) => InterceptBytes + SlopeBytesPerSecond * seconds;

    public static TrendResult Unknown(string reason, double from = 0, double to = 0, IReadOnlyList<FloorPoint>? points = null) =>
        new(TrendPattern.Unknown, 0, 0, 0, 0.5, 0, points is { Count: > 0 } ? points[^1].Bytes : 0, 0,
            FloorSource.None, points ?? [], from, to, reason);
}
