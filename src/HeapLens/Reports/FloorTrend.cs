using HeapLens.Monitoring;

namespace HeapLens.Reports;

/// <summary>
/// The verdict on the post-GC floor and the numbers behind it, as `trend` and `monitor` report it
/// (seconds to the millisecond, bytes per second to a tenth).
/// </summary>
/// <param name="FloorSlopeLowBytesPerSecond">Lower end of the slope's 95% interval; null when open-ended (too few points).</param>
/// <param name="FloorSlopeHighBytesPerSecond">Upper end of the slope's 95% interval; null when open-ended.</param>
/// <param name="Confidence">Probability that the floor rises.</param>
/// <param name="Swing">Median heap swing between GCs as a fraction of the floor.</param>
/// <param name="Reason">One sentence saying why the verdict is what it is.</param>
/// <param name="Verdict">The pattern as people read it: "rising floor (leak)", "flat (stable working set)"...</param>
/// <param name="InterceptBytes">The fitted floor at second 0: floor(t) = intercept + slope·t, for charts.</param>
public sealed record FloorTrend(
    bool Leak,
    TrendPattern Pattern,
    double FloorSlopeBytesPerSecond,
    double? FloorSlopeLowBytesPerSecond,
    double? FloorSlopeHighBytesPerSecond,
    double GrowthMBPerMinute,
    double Confidence,
    long FloorBytes,
    FloorSource FloorSource,
    double Swing,
    double AnalysedFromSeconds,
    double AnalysedToSeconds,
    string Reason,
    IReadOnlyList<FloorPoint> FloorPoints,
    string Verdict,
    double InterceptBytes)
{
    public static FloorTrend Of(TrendResult trend) => new(
        trend.Leak,
        trend.Pattern,
        Math.Round(trend.SlopeBytesPerSecond, 1),
        Finite(trend.SlopeLow),
        Finite(trend.SlopeHigh),
        Math.Round(trend.GrowthMegabytesPerMinute, 3),
        Math.Round(trend.Confidence, 4),
        trend.FloorBytes,
        trend.Source,
        Math.Round(trend.SwingFraction, 3),
        Math.Round(trend.FromSeconds, 3),
        Math.Round(trend.ToSeconds, 3),
        trend.Reason,
        trend.FloorPoints.Select(p => new FloorPoint(Math.Round(p.Seconds, 3), p.Bytes)).ToList(),
        VerdictOf(trend.Pattern),
        Math.Round(trend.InterceptBytes, 1));

    /// <summary>The fitted floor at a time on the timeline.</summary>
    public double FittedFloorAt(double seconds) => InterceptBytes + FloorSlopeBytesPerSecond * seconds;

    public static string VerdictOf(TrendPattern pattern) => pattern switch
    {
        TrendPattern.RisingFloor => "rising floor (leak)",
        TrendPattern.Flat => "flat (stable working set)",
        TrendPattern.Sawtooth => "sawtooth (healthy)",
        _ => "unknown (not enough data yet)",
    };

    // JSON has no infinity: an open-ended interval (too few points) is null.
    private static double? Finite(double value) => double.IsFinite(value) ? Math.Round(value, 1) : null;
}
