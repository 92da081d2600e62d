using System.Globalization;
using HeapLens.Monitoring;

namespace HeapLens.Cli.Reports;

/// <summary>How the trend analysis reads in text reports.</summary>
internal static class TrendText
{
    public static string Verdict(TrendPattern pattern) => pattern switch
    {
        TrendPattern.RisingFloor => "rising floor (leak)",
        TrendPattern.Flat => "flat (stable working set)",
        TrendPattern.Sawtooth => "sawtooth (healthy)",
        _ => "unknown (not enough data yet)",
    };

    /// <summary>"+12.3 MB/min" with a sign, so a falling floor reads as one.</summary>
    public static string Slope(double bytesPerSecond)
    {
        double mbPerMinute = bytesPerSecond * 60 / (1024 * 1024);
        return (mbPerMinute >= 0 ? "+" : "") + mbPerMinute.ToString("0.00", CultureInfo.InvariantCulture) + " MB/min";
    }

    public static string Source(FloorSource source) => source switch
    {
        FloorSource.FullGcs => "heap after full GCs",
        FloorSource.LowerEnvelope => "lowest heap after GC per window",
        _ => "none",
    };

    public static string Percent(double probability) =>
        (probability * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
}
