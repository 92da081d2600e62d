using HeapLens.Monitoring;
using Xunit;

namespace HeapLens.Tests.Monitoring;

public class TriggerTests
{
    private static TrendResult Trend(TrendPattern pattern, long floor) =>
        new(pattern, pattern == TrendPattern.RisingFloor ? 2_000_000 : 0, 0, 0, 0.99, 0, floor, 0.1,
            FloorSource.LowerEnvelope, [new FloorPoint(1, floor)], 10, 60, "test");

    [Fact]
    public void Each_trigger_fires_on_its_own_condition()
    {
        var all = new TriggerOptions(ThresholdBytes: 100, GrowthPercent: 50);
        Assert.Empty(TriggerEvaluator.Evaluate(all, heapAfterLastGc: 100, baselineFloor: 100, Trend(TrendPattern.Flat, 149)));
        var fired = TriggerEvaluator.Evaluate(all, heapAfterLastGc: 101, baselineFloor: 100, Trend(TrendPattern.RisingFloor, 150));
        Assert.Equal([TriggerKind.Threshold, TriggerKind.Growth, TriggerKind.LeakTrend], fired.Select(f => f.Kind));
        Assert.Equal(["threshold", "growth", "leak-trend"], fired.Select(f => f.Name));
    }

    [Fact]
    public void Disarmed_triggers_stay_quiet()
    {
        var none = new TriggerOptions(LeakTrend: false);
        Assert.Empty(TriggerEvaluator.Evaluate(none, long.MaxValue, 1, Trend(TrendPattern.RisingFloor, long.MaxValue / 2)));
        // Growth needs a baseline; threshold needs a GC.
        var armed = new TriggerOptions(ThresholdBytes: 1, GrowthPercent: 1, LeakTrend: false);
        Assert.Empty(TriggerEvaluator.Evaluate(armed, null, null, Trend(TrendPattern.Flat, 1000)));
    }

    [Fact]
    public void A_trigger_fires_once_per_cooldown()
    {
        var budget = new CaptureBudget(maxCaptures: 100, cooldown: TimeSpan.FromSeconds(30));
        var fired = new List<double>();
        for (double now = 0; now <= 120; now += 5)
        {
            if (budget.TryTake(TriggerKind.Threshold, now))
                fired.Add(now);
        }
        Assert.Equal([0.0, 30, 60, 90, 120], fired);
    }

    [Fact]
    public void Cooldowns_are_per_trigger_and_the_total_is_capped()
    {
        var budget = new CaptureBudget(maxCaptures: 3, cooldown: TimeSpan.FromMinutes(5));
        Assert.True(budget.TryTake(TriggerKind.Threshold, 0));
        Assert.False(budget.TryTake(TriggerKind.Threshold, 10));
        Assert.True(budget.TryTake(TriggerKind.LeakTrend, 10));
        Assert.True(budget.TryTake(TriggerKind.Growth, 20));
        Assert.False(budget.TryTake(TriggerKind.Threshold, 1000));
        Assert.Equal(3, budget.Used);
    }

    [Fact]
    public void Growth_needs_a_baseline_above_zero_and_the_leak_message_says_how_sure_in_percent()
    {
        var growth = new TriggerOptions(GrowthPercent: 50, LeakTrend: false);
        Assert.Empty(TriggerEvaluator.Evaluate(growth, heapAfterLastGc: 100, baselineFloor: 0, Trend(TrendPattern.Flat, 150)));
        var leak = Assert.Single(TriggerEvaluator.Evaluate(new TriggerOptions(LeakTrend: true), 100, 100, Trend(TrendPattern.RisingFloor, 150)));
        Assert.Equal("rising floor: 114.44 MB/min, 99% sure", leak.Detail);
    }
}
