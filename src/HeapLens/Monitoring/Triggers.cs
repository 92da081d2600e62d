using System.Globalization;

namespace HeapLens.Monitoring;

/// <summary>What makes the monitor collect evidence.</summary>
public enum TriggerKind
{
    /// <summary>The heap after a GC is above a fixed size.</summary>
    Threshold,
    /// <summary>The floor has grown by a percentage since the baseline (the first floor after warm-up).</summary>
    Growth,
    /// <summary>The trend analysis calls a rising floor.</summary>
    LeakTrend,
}

/// <summary>Which triggers are armed. A null threshold or growth is off.</summary>
public sealed record TriggerOptions(long? ThresholdBytes = null, double? GrowthPercent = null, bool LeakTrend = true);

/// <summary>A trigger whose condition holds, and the numbers that made it hold.</summary>
public sealed record TriggerFiring(TriggerKind Kind, string Detail)
{
    public string Name => TriggerNames.Of(Kind);
}

public static class TriggerNames
{
    public static string Of(TriggerKind kind) => kind switch
    {
        TriggerKind.Threshold => "threshold",
        TriggerKind.Growth => "growth",
        TriggerKind.LeakTrend => "leak-trend",
        _ => kind.ToString().ToLowerInvariant(),
    };
}

/// <summary>Checks the armed triggers against the monitor's latest view of the heap.</summary>
public static class TriggerEvaluator
{
    /// <param name="heapAfterLastGc">Heap after the most recent GC (null before the first).</param>
    /// <param name="baselineFloor">The first floor after warm-up (null until there is one).</param>
    public static IReadOnlyList<TriggerFiring> Evaluate(TriggerOptions options, long? heapAfterLastGc, long? baselineFloor, TrendResult trend)
    {
        var firings = new List<TriggerFiring>();
        if (options.ThresholdBytes is long threshold && heapAfterLastGc is long heap && heap > threshold)
            firings.Add(new TriggerFiring(TriggerKind.Threshold, Invariant($"heap after GC {heap} bytes is above the threshold of {threshold} bytes")));
        if (options.GrowthPercent is double percent && baselineFloor is long baseline && baseline > 0 && trend.FloorBytes > 0)
        {
            double grown = 100.0 * (trend.FloorBytes - baseline) / baseline;
            if (grown >= percent)
                firings.Add(new TriggerFiring(TriggerKind.Growth,
                    Invariant($"floor {trend.FloorBytes} bytes is {grown:0.#}% above the baseline of {baseline} bytes (limit {percent:0.#}%)")));
        }
        if (options.LeakTrend && trend.Leak)
            firings.Add(new TriggerFiring(TriggerKind.LeakTrend,
                Invariant($"rising floor: {trend.GrowthMegabytesPerMinute:0.##} MB/min, {trend.Confidence * 100:0.#}% sure")));
        return firings;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
