using HeapLens.Monitoring;
using HeapLens.Timelines;
using Xunit;

namespace HeapLens.Tests.Monitoring;

/// <summary>
/// The verdict's thresholds at their exact edges, on hand-built GC sequences whose numbers are exact
/// (integer megabytes, whole seconds, a perfectly straight floor: Theil-Sen's slope is then exact).
/// Mutation testing found that the statistical tests above never sit on an edge, so `>=` could turn
/// into `>` or a message lose its numbers without a test noticing.
/// </summary>
public class TrendAnalyzerBoundaryTests
{
    private const long Mb = 1024 * 1024;

    /// <summary>Every option at a value that lets a test put one threshold on its edge at a time.</summary>
    private static readonly TrendOptions Edges = new()
    {
        WarmupSeconds = 0,
        MinimumSpanSeconds = 20,
        MinimumFloorPoints = 5,
        LeakConfidence = 0.95,
        MinimumGrowthFraction = 0,
        MinimumGrowthBytes = 1,
        SawtoothSwingFraction = 0.5,
    };

    /// <summary>One GC a second at t = 0..seconds: heap after = floor(t), before = after + swing.</summary>
    private static GcHistory Series(int seconds, Func<int, long> floor, Func<int, long>? swing = null, Func<int, bool>? full = null)
    {
        var history = new GcHistory();
        for (int t = 0; t <= seconds; t++)
        {
            long after = floor(t);
            long before = after + (swing?.Invoke(t) ?? 10 * Mb);
            int generation = full?.Invoke(t) == true ? 2 : 0;
            history.Add(new GcEvent(t + 1, t, generation, "AllocSmall", "NonConcurrentGC", 0.5, before,
                new GenerationSizes(0, 0, after, 0, 0), 0, 0, 0, 0));
        }
        return history;
    }

    private static long Rising(int t) => 100 * Mb + t * Mb;

    [Fact]
    public void No_GC_yet_is_unknown_with_its_reason_and_no_floor()
    {
        var trend = TrendAnalyzer.Analyze(new GcHistory(), Edges);
        Assert.Equal(TrendPattern.Unknown, trend.Pattern);
        Assert.Equal("no GC seen yet", trend.Reason);
        Assert.Equal(0, trend.FloorBytes);
        Assert.Empty(trend.FloorPoints);
    }

    [Fact]
    public void A_span_of_exactly_the_minimum_gets_a_verdict_and_one_second_less_does_not()
    {
        Assert.Equal(TrendPattern.RisingFloor, TrendAnalyzer.Analyze(Series(20, Rising), Edges).Pattern);
        var early = TrendAnalyzer.Analyze(Series(19, Rising), Edges);
        Assert.Equal(TrendPattern.Unknown, early.Pattern);
        Assert.Equal("warming up: 19 s of 20 s watched after a 0 s warm-up", early.Reason);
    }

    [Fact]
    public void Before_the_warm_up_ends_the_watched_time_is_zero_not_negative()
    {
        var trend = TrendAnalyzer.Analyze(Series(5, Rising), Edges with { WarmupSeconds = 10 });
        Assert.Equal("warming up: 0 s of 20 s watched after a 10 s warm-up", trend.Reason);
        Assert.Equal(10, trend.FromSeconds);
        Assert.Equal(5, trend.ToSeconds);
    }

    [Fact]
    public void Exactly_the_minimum_number_of_full_GC_floor_points_counting_the_one_at_the_warm_up_gets_a_verdict()
    {
        // Full GCs at t = 0, 5, 10, 15, 20: five points, the first exactly where the watch begins.
        var history = Series(20, Rising, full: t => t % 5 == 0);
        var trend = TrendAnalyzer.Analyze(history, Edges);
        Assert.Equal(FloorSource.FullGcs, trend.Source);
        Assert.Equal(TrendPattern.RisingFloor, trend.Pattern);
        Assert.Equal([0.0, 5, 10, 15, 20], trend.FloorPoints.Select(p => p.Seconds));
        Assert.Equal(120 * Mb, trend.FloorBytes);

        var tooFew = TrendAnalyzer.Analyze(history, Edges with { MinimumFloorPoints = 13 });
        // Too few full GCs for the floor: the lower envelope's 12 windows give 12 points, one short.
        Assert.Equal(TrendPattern.Unknown, tooFew.Pattern);
        Assert.Equal("only 12 floor points after the warm-up; need 13", tooFew.Reason);
        Assert.Equal(12, tooFew.FloorPoints.Count);
        Assert.Equal(tooFew.FloorPoints[^1].Bytes, tooFew.FloorBytes);
    }

    [Fact]
    public void Full_GCs_are_the_floor_when_they_cover_exactly_half_the_span_and_not_when_they_cover_less()
    {
        var half = TrendAnalyzer.Analyze(Series(20, Rising, full: t => t >= 10 && t % 2 == 0), Edges);
        Assert.Equal(FloorSource.FullGcs, half.Source);
        var less = TrendAnalyzer.Analyze(Series(20, Rising, full: t => t >= 12), Edges);
        Assert.Equal(FloorSource.LowerEnvelope, less.Source);
    }

    [Fact]
    public void Up_to_64_full_GC_points_are_all_kept_even_two_in_one_window()
    {
        // 64 full GCs over 20 s, the first two 0.26 s apart: thinning to 64 windows (0.3125 s wide)
        // would merge those two. (The history's own 0.25 s buckets keep them apart.)
        var history = new GcHistory();
        double[] times = [0, 0.26, .. Enumerable.Range(0, 62).Select(i => 0.6 + i * (20 - 0.6) / 61)];
        for (int i = 0; i < times.Length; i++)
            history.Add(new GcEvent(i + 1, times[i], 2, "Induced", "NonConcurrentGC", 1, 110 * Mb,
                new GenerationSizes(0, 0, 100 * Mb + i, 0, 0), 0, 0, 0, 0));
        var trend = TrendAnalyzer.Analyze(history, Edges);
        Assert.Equal(FloorSource.FullGcs, trend.Source);
        Assert.Equal(64, trend.FloorPoints.Count);
    }

    [Fact]
    public void The_lower_envelope_keeps_the_first_of_equal_lows_in_each_window_from_the_warm_up_on()
    {
        // A flat floor: every GC of a window is equally low; the window's point is its first GC.
        var trend = TrendAnalyzer.Analyze(Series(24, _ => 100 * Mb), Edges);
        Assert.Equal(FloorSource.LowerEnvelope, trend.Source);
        Assert.Equal([0.0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22], trend.FloorPoints.Select(p => p.Seconds));
    }

    [Fact]
    public void A_rise_exactly_as_sure_as_required_is_a_leak()
    {
        var history = Series(20, Rising);
        double sure = TrendAnalyzer.Analyze(history, Edges).Confidence;
        var trend = TrendAnalyzer.Analyze(history, Edges with { LeakConfidence = sure });
        Assert.Equal(TrendPattern.RisingFloor, trend.Pattern);
        Assert.Equal(1 * Mb, trend.SlopeBytesPerSecond);
        Assert.Equal("the floor rose 20.0 MB in 20 s (100% sure it rises)", trend.Reason);
    }

    [Fact]
    public void A_rise_exactly_as_sure_as_required_but_too_small_says_it_is_too_small_not_unsure()
    {
        var history = Series(20, Rising);
        double sure = TrendAnalyzer.Analyze(history, Edges).Confidence;
        var trend = TrendAnalyzer.Analyze(history, Edges with { LeakConfidence = sure, MinimumGrowthBytes = 20 * Mb + 1 });
        Assert.StartsWith("the floor rose only 20.0 MB", trend.Reason);
    }

    [Fact]
    public void The_default_material_growth_is_one_megabyte_and_an_unknown_trend_without_points_has_no_floor()
    {
        Assert.Equal(Mb, new TrendOptions().MinimumGrowthBytes);
        Assert.Equal(0, TrendResult.Unknown("no GC yet", points: []).FloorBytes);
        Assert.Equal(7, TrendResult.Unknown("warming up", points: [new FloorPoint(1, 5), new FloorPoint(2, 7)]).FloorBytes);
    }

    [Fact]
    public void A_rise_of_exactly_the_material_growth_is_a_leak_and_one_byte_less_is_not()
    {
        var history = Series(20, Rising);
        Assert.Equal(TrendPattern.RisingFloor, TrendAnalyzer.Analyze(history, Edges with { MinimumGrowthBytes = 20 * Mb }).Pattern);
        var below = TrendAnalyzer.Analyze(history, Edges with { MinimumGrowthBytes = 20 * Mb + 1 });
        Assert.Equal(TrendPattern.Flat, below.Pattern);
        Assert.Equal("the floor rose only 20.0 MB, below the 20.0 MB that would matter; the heap swings 9% of the floor between GCs",
            below.Reason);
    }

    [Fact]
    public void Material_growth_is_a_fraction_of_the_median_floor_when_that_is_larger()
    {
        // The 12 envelope points are t = 0, 2, 4, 5, 7, 9, 10, 12, 14, 15, 17, 19: median floor 109.5 MB.
        // 10% of it is 10.95 MB, below the 20 MB rise; 20% is 21.9 MB, above it.
        var history = Series(20, Rising);
        Assert.True(TrendAnalyzer.Analyze(history, Edges with { MinimumGrowthFraction = 0.10 }).Leak);
        var below = TrendAnalyzer.Analyze(history, Edges with { MinimumGrowthFraction = 0.20 });
        Assert.False(below.Leak);
        Assert.Contains("below the 21.9 MB that would matter", below.Reason);
    }

    [Fact]
    public void A_floor_that_does_not_surely_rise_says_how_sure_it_is()
    {
        var trend = TrendAnalyzer.Analyze(Series(20, _ => 100 * Mb, swing: _ => 50 * Mb), Edges);
        Assert.Equal(TrendPattern.Sawtooth, trend.Pattern); // a swing of exactly half the floor
        Assert.Equal(0.5, trend.SwingFraction);
        Assert.Equal($"no sure rise of the floor ({trend.Confidence * 100:0.#}%); the heap swings 50% of the floor between GCs", trend.Reason);
        Assert.True(trend.Confidence < 0.95);
        Assert.Equal(TrendPattern.Flat, TrendAnalyzer.Analyze(Series(20, _ => 100 * Mb, swing: _ => 50 * Mb - 1), Edges).Pattern);
    }

    [Fact]
    public void The_swing_is_the_median_over_the_watched_GCs_of_an_even_and_of_an_odd_count()
    {
        // 24 GCs (t = 0..23) with swings of 10, 20, 30, 40% of a 100 MB floor in turn: the median of an
        // even count is the mean of the middle two (20% and 30%).
        var even = TrendAnalyzer.Analyze(Series(23, _ => 100 * Mb, swing: t => (10 + 10 * (t % 4)) * Mb), Edges);
        Assert.Equal(0.25, even.SwingFraction, 12);
        // 21 GCs: ten swing 10%, eleven swing 30%: the middle one is 30%.
        var odd = TrendAnalyzer.Analyze(Series(20, _ => 100 * Mb, swing: t => (t < 10 ? 10 : 30) * Mb), Edges);
        Assert.Equal(0.3, odd.SwingFraction, 12);
    }
}
