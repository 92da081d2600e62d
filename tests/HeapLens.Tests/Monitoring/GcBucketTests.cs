using HeapLens.Timelines;
using Xunit;

namespace HeapLens.Tests.Monitoring;

/// <summary>
/// The GC history's buckets on a handful of GCs whose envelope is read off by hand: which GC a
/// minimum belongs to (the first of equals), what merging buckets keeps, and the capacity's edge.
/// </summary>
public sealed class GcBucketTests
{
    /// <summary>A GC whose heap after is all gen2 (so the settled heap equals the heap after).</summary>
    private static GcEvent Gc(double seconds, int generation, long before, long after) =>
        new(1, seconds, generation, "AllocSmall", "NonConcurrentGC", 0.1, before, new GenerationSizes(0, 0, after, 0, 0), 0, 0, 0, 0);

    private static string Envelope(GcBucket b) =>
        $"{b.StartSeconds}-{b.EndSeconds} n={b.Count} full={b.FullCount} before<={b.MaxBefore} " +
        $"after {b.MinAfter}@{b.MinAfterSeconds}..{b.MaxAfter} settled {b.MinSettled}@{b.MinSettledSeconds} full {b.MinFullAfter}@{b.MinFullAfterSeconds}";

    [Fact]
    public void A_bucket_keeps_the_first_of_equal_minimums_and_the_highest_heap_after()
    {
        var history = new GcHistory(capacity: 4, initialBucketSeconds: 10);
        history.Add(Gc(1, 2, 90, 50));
        history.Add(Gc(2, 0, 95, 70));
        history.Add(Gc(3, 2, 80, 50));
        Assert.Equal("1-3 n=3 full=2 before<=95 after 50@1..70 settled 50@1 full 50@1", Envelope(Assert.Single(history.Buckets)));
    }

    [Fact]
    public void Merged_buckets_keep_the_envelope_and_the_first_of_equal_minimums()
    {
        // Four one-second buckets; a fifth GC makes five, so the width doubles and pairs merge.
        var history = new GcHistory(capacity: 4, initialBucketSeconds: 1);
        history.Add(Gc(0.5, 2, 100, 60));  // [0, 2): 60 full, then 40 full: the later, lower one wins
        history.Add(Gc(1.5, 2, 110, 40));
        history.Add(Gc(2.5, 2, 120, 30));  // [2, 4): 30 full first, an equal 30 full after
        history.Add(Gc(3.5, 2, 90, 30));
        Assert.Equal(4, history.Buckets.Count);
        history.Add(Gc(4.5, 0, 80, 90));   // [4, 6)
        Assert.Equal(
        [
            "0.5-1.5 n=2 full=2 before<=110 after 40@1.5..60 settled 40@1.5 full 40@1.5",
            "2.5-3.5 n=2 full=2 before<=120 after 30@2.5..30 settled 30@2.5 full 30@2.5",
            $"4.5-4.5 n=1 full=0 before<=80 after 90@4.5..90 settled 90@4.5 full {long.MaxValue}@0",
        ], history.Buckets.Select(Envelope));
    }

    [Fact]
    public void A_history_holds_exactly_its_capacity_and_refuses_less_than_four()
    {
        var history = new GcHistory(capacity: 4, initialBucketSeconds: 1);
        for (int i = 0; i < 4; i++)
            history.Add(Gc(i + 0.5, 0, 10, 5));
        Assert.Equal([0.5, 1.5, 2.5, 3.5], history.Buckets.Select(b => b.StartSeconds));
        // A GC in the last bucket's slot joins it.
        history.Add(Gc(3.9, 0, 10, 5));
        Assert.Equal(4, history.Buckets.Count);
        Assert.Equal(2, history.Buckets[^1].Count);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new GcHistory(capacity: 3));
        Assert.StartsWith("keep at least 4 buckets", e.Message);
    }

    [Fact]
    public void A_gen1_GC_vouches_for_a_gen1_that_grew()
    {
        var settled = new SettledHeap();
        var sizes = new GenerationSizes(0, 10, 0, 0, 0);
        settled.After(new GcEvent(1, 0, 0, "AllocSmall", "NonConcurrentGC", 0, 0, sizes, 0, 0, 0, 0));
        Assert.Equal(30, settled.After(new GcEvent(2, 1, 1, "AllocSmall", "NonConcurrentGC", 0, 0, sizes with { Gen1 = 30 }, 0, 0, 0, 0)));
    }
}
