using CsCheck;
using HeapLens.Monitoring;
using Xunit;
using static HeapLens.Tests.Monitoring.SyntheticTimeline;
using HeapLens.Timelines;

namespace HeapLens.Tests.Monitoring;

public class TrendAnalyzerTests
{
    [Fact]
    public void A_steady_2_MB_per_second_leak_is_a_rising_floor_within_a_minute()
    {
        var history = new SyntheticTimeline { Floor = t => 20 * Mb + 2 * Mb * t, NoiseFraction = 0.02 }.History();
        var trend = TrendAnalyzer.Analyze(history);
        Assert.Equal(TrendPattern.RisingFloor, trend.Pattern);
        Assert.True(trend.Leak);
        Assert.InRange(trend.SlopeBytesPerSecond, 1.8 * Mb, 2.2 * Mb);
        Assert.InRange(trend.GrowthMegabytesPerMinute, 108, 132);
        Assert.True(trend.SlopeLow > 0);
    }

    [Fact]
    public void A_large_flat_cache_with_churn_is_flat()
    {
        var history = new SyntheticTimeline { Floor = _ => 300 * Mb, Swing = 17 * Mb, NoiseFraction = 0.01 }.History();
        var trend = TrendAnalyzer.Analyze(history);
        Assert.Equal(TrendPattern.Flat, trend.Pattern);
        Assert.False(trend.Leak);
        Assert.InRange(trend.FloorBytes, 297 * Mb, 303 * Mb);
    }

    [Fact]
    public void Churn_alone_is_a_sawtooth()
    {
        var history = new SyntheticTimeline { Floor = _ => 1.3 * Mb, Swing = 17 * Mb, NoiseFraction = 0.05 }.History();
        var trend = TrendAnalyzer.Analyze(history);
        Assert.Equal(TrendPattern.Sawtooth, trend.Pattern);
        Assert.False(trend.Leak);
    }

    [Fact]
    public void Garbage_that_waits_for_a_full_GC_is_not_a_leak()
    {
        // After each gen0 GC the heap is higher (promoted garbage), but every full GC returns to
        // the same floor: the floor comes from the full GCs and is flat.
        var history = new SyntheticTimeline
        {
            Floor = _ => 100 * Mb, PromotedGarbagePerGc = 2 * Mb, FullEvery = 8, Seconds = 90,
        }.History();
        var trend = TrendAnalyzer.Analyze(history);
        Assert.Equal(FloorSource.FullGcs, trend.Source);
        Assert.False(trend.Leak);
        Assert.Equal(100 * Mb, trend.FloorBytes, 0);
    }

    [Fact]
    public void Garbage_that_waits_in_gen1_for_a_rare_gen1_GC_is_not_a_leak()
    {
        // The shape that failed on a machine where the gen0 budget is 2 MB: a 300 MB cache, a GC
        // every 50 ms, each promoting the requests in flight (128 KB) into gen1, and no gen1 or
        // full GC for the whole minute. The raw heap after each GC climbs 2.5 MB/s; none of it is alive.
        var history = new SyntheticTimeline
        {
            Floor = _ => 300 * Mb, Swing = 2 * Mb, GcInterval = 0.05, Gen1GarbagePerGc = 0.125 * Mb,
        }.History();
        var trend = TrendAnalyzer.Analyze(history);
        Assert.Equal(TrendPattern.Flat, trend.Pattern);
        // The first GC's gen1 (one step of requests) counts as seen: no gen1 GC ever vouched for less.
        Assert.Equal(300 * Mb + 0.125 * Mb, trend.FloorBytes, 0);
        Assert.Equal(0, trend.SlopeBytesPerSecond);
    }

    [Fact]
    public void Garbage_in_gen1_is_never_a_leak_however_rarely_gen1_is_collected()
    {
        Gen.Select(Gen.Double[1, 1024], Gen.Double[0.01, 4], Gen.Int[0, 2000], Gen.Double[0.02, 1], Gen.Int[0, 1000])
            .Sample((floorMb, gen1GarbageMb, gen1Every, interval, seed) =>
            {
                var history = new SyntheticTimeline
                {
                    Floor = _ => floorMb * Mb, Gen1GarbagePerGc = gen1GarbageMb * Mb, Gen1Every = gen1Every, GcInterval = interval,
                    NoiseFraction = 0.01, Seed = seed,
                }.History();
                return !TrendAnalyzer.Analyze(history).Leak;
            }, iter: 150);
    }

    [Fact]
    public void A_leak_promoted_through_gen1_is_caught_as_gen1_GCs_move_it_into_gen2()
    {
        // The leak reaches gen2 at each gen1 GC (every 2 s here), on top of gen1 garbage.
        var history = new SyntheticTimeline
        {
            Floor = t => 20 * Mb + 2 * Mb * Math.Floor(t / 2) * 2, GcInterval = 0.25, Gen1Every = 8, Gen1GarbagePerGc = 0.5 * Mb,
        }.History();
        var trend = TrendAnalyzer.Analyze(history);
        Assert.True(trend.Leak);
        Assert.InRange(trend.SlopeBytesPerSecond, 1.8 * Mb, 2.2 * Mb);
    }

    [Fact]
    public void A_leak_seen_through_full_GCs_is_caught_there_too()
    {
        var history = new SyntheticTimeline
        {
            Floor = t => 100 * Mb + Mb * t, PromotedGarbagePerGc = 2 * Mb, FullEvery = 8, Seconds = 90,
        }.History();
        var trend = TrendAnalyzer.Analyze(history);
        Assert.Equal(FloorSource.FullGcs, trend.Source);
        Assert.True(trend.Leak);
        Assert.InRange(trend.SlopeBytesPerSecond, 0.9 * Mb, 1.1 * Mb);
    }

    [Fact]
    public void Many_full_GCs_are_thinned_to_a_bounded_number_of_floor_points()
    {
        // Every GC is a full GC for an hour: hundreds of buckets with a full-GC floor each.
        var history = new SyntheticTimeline { Floor = t => 100 * Mb + 10_000 * t, FullEvery = 1, Seconds = 3600, GcInterval = 2 }.History();
        var trend = TrendAnalyzer.Analyze(history);
        Assert.Equal(FloorSource.FullGcs, trend.Source);
        Assert.InRange(trend.FloorPoints.Count, 32, 64);
        Assert.True(trend.Leak);
        Assert.InRange(trend.SlopeBytesPerSecond, 9_000, 11_000);
    }

    [Fact]
    public void A_one_off_spike_is_not_a_leak()
    {
        var history = new SyntheticTimeline
        {
            Floor = t => t is > 40 and < 42 ? 400 * Mb : 50 * Mb, NoiseFraction = 0.01,
        }.History();
        Assert.False(TrendAnalyzer.Analyze(history).Leak);
    }

    [Fact]
    public void A_step_up_that_then_holds_is_not_called_a_leak_once_it_has_held()
    {
        // A cache filled in one go at second 15, then stable for 5 minutes.
        var history = new SyntheticTimeline { Floor = t => t < 15 ? 50 * Mb : 200 * Mb, Seconds = 300 }.History();
        var trend = TrendAnalyzer.Analyze(history, new TrendOptions { WarmupSeconds = 10 });
        Assert.False(trend.Leak);
    }

    [Fact]
    public void A_tiny_drift_on_a_big_heap_is_not_material()
    {
        // +1 KB/s on 2 GB: certain, but 60 KB in a minute does not matter.
        var history = new SyntheticTimeline { Floor = t => 2048 * Mb + 1024 * t }.History();
        var trend = TrendAnalyzer.Analyze(history);
        Assert.False(trend.Leak);
        Assert.Equal(TrendPattern.Flat, trend.Pattern);
    }

    [Fact]
    public void No_verdict_during_the_warm_up_or_before_enough_time_has_passed()
    {
        var history = new SyntheticTimeline { Floor = t => 20 * Mb + 2 * Mb * t, Seconds = 25 }.History();
        var trend = TrendAnalyzer.Analyze(history);
        Assert.Equal(TrendPattern.Unknown, trend.Pattern);
        Assert.False(trend.Leak);
        Assert.Contains("warming up", trend.Reason);
        Assert.Equal(TrendPattern.Unknown, TrendAnalyzer.Analyze(new GcHistory()).Pattern);
    }

    [Fact]
    public void A_stable_heap_is_never_called_a_leak_whatever_its_size_swing_and_noise()
    {
        Gen.Select(Gen.Double[1, 4096], Gen.Double[0.1, 200], Gen.Double[0, 0.03], Gen.Double[0.05, 3], Gen.Int[0, 1000])
            .Sample((floorMb, swingMb, noise, interval, seed) =>
            {
                var history = new SyntheticTimeline
                {
                    Floor = _ => floorMb * Mb, Swing = swingMb * Mb, NoiseFraction = noise, GcInterval = interval, Seed = seed,
                }.History();
                var trend = TrendAnalyzer.Analyze(history);
                return !trend.Leak && trend.Pattern is TrendPattern.Flat or TrendPattern.Sawtooth or TrendPattern.Unknown;
            }, iter: 150);
    }

    [Fact]
    public void A_material_steady_leak_is_always_caught_within_a_minute()
    {
        // Growth of at least 1 MB/s on a floor of up to 300 MB: 50 s after the warm-up that is
        // 50 MB, more than the 10% of the (grown) floor that makes a rise material.
        Gen.Select(Gen.Double[1, 300], Gen.Double[1, 8], Gen.Double[0, 0.02], Gen.Double[0.1, 1.5], Gen.Int[0, 1000])
            .Sample((floorMb, leakMbPerSecond, noise, interval, seed) =>
            {
                var history = new SyntheticTimeline
                {
                    Floor = t => floorMb * Mb + leakMbPerSecond * Mb * t, NoiseFraction = noise, GcInterval = interval, Seed = seed,
                }.History();
                var trend = TrendAnalyzer.Analyze(history);
                return trend.Leak && Math.Abs(trend.SlopeBytesPerSecond / Mb - leakMbPerSecond) < 0.25 * leakMbPerSecond + 0.2;
            }, iter: 150);
    }

    [Fact]
    public void A_window_catches_a_leak_that_began_after_a_long_flat_hour()
    {
        var history = new SyntheticTimeline
        {
            Floor = t => t < 3600 ? 100 * Mb : 100 * Mb + Mb * (t - 3600), Seconds = 3900, GcInterval = 1, NoiseFraction = 0.01,
        }.History();
        Assert.False(TrendAnalyzer.Analyze(history).Leak);
        var recent = TrendAnalyzer.Analyze(history, new TrendOptions { WindowSeconds = 240 });
        Assert.True(recent.Leak);
        Assert.InRange(recent.FromSeconds, 3659, 3661);
        Assert.InRange(recent.SlopeBytesPerSecond, 0.8 * Mb, 1.2 * Mb);
    }

    [Fact]
    public void The_fitted_floor_passes_through_the_floor_points()
    {
        var history = new SyntheticTimeline { Floor = t => 10 * Mb + Mb * t }.History();
        var trend = TrendAnalyzer.Analyze(history);
        foreach (var point in trend.FloorPoints)
            Assert.Equal(point.Bytes, trend.FittedFloorAt(point.Seconds), 1.0);
    }
}
