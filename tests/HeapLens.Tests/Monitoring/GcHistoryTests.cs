using HeapLens.Monitoring;
using Xunit;
using static HeapLens.Tests.Monitoring.SyntheticTimeline;
using HeapLens.Timelines;

namespace HeapLens.Tests.Monitoring;

public class GcHistoryTests
{
    [Fact]
    public void Stays_within_its_capacity_over_a_day_of_GCs_and_keeps_the_envelope()
    {
        // One GC every 100 ms for 24 hours: 864,000 GCs into 64 buckets.
        var history = new GcHistory(capacity: 64);
        long lowestAfter = long.MaxValue, highestBefore = 0, fullGcs = 0, added = 0;
        var timeline = new SyntheticTimeline
        {
            Floor = t => 50 * Mb + 10 * Mb * Math.Sin(t / 3000), Seconds = 86_400, GcInterval = 0.1, FullEvery = 97, NoiseFraction = 0.05,
        };
        foreach (var gc in timeline.Events())
        {
            history.Add(gc);
            added++;
            lowestAfter = Math.Min(lowestAfter, gc.HeapAfter);
            highestBefore = Math.Max(highestBefore, gc.HeapBefore);
            if (gc.IsFull)
                fullGcs++;
            Assert.True(history.Buckets.Count <= 64);
        }
        Assert.InRange(added, 863_999, 864_000);
        Assert.Equal(added, history.Count);
        Assert.Equal(fullGcs, history.FullCount);
        Assert.Equal(history.Count, history.Buckets.Sum(b => (long)b.Count));
        Assert.Equal(lowestAfter, history.Buckets.Min(b => b.MinAfter));
        Assert.Equal(highestBefore, history.Buckets.Max(b => b.MaxBefore));
        Assert.True(history.Buckets.Count >= 16, "coarsening should not throw away most of the resolution");
    }

    [Fact]
    public void Buckets_are_in_time_order_and_do_not_overlap()
    {
        var history = new GcHistory(capacity: 16);
        foreach (var gc in new SyntheticTimeline { Floor = _ => Mb, Seconds = 600, GcInterval = 0.37 }.Events())
            history.Add(gc);
        for (int i = 1; i < history.Buckets.Count; i++)
            Assert.True(history.Buckets[i].StartSeconds > history.Buckets[i - 1].EndSeconds);
    }
}
