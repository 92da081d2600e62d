using Xunit;
using HeapLens.Collection;

namespace HeapLens.Tests.Collection;

/// <summary>
/// The movement rules on hand-made GC event sequences, in the order the runtime sends them
/// (GCStart, the generations' regions, moved or surviving ranges, the regions again, GCEnd).
/// </summary>
public sealed class SurvivorTrackerTests
{
    private const ulong Gen0 = 0x10_0000, Gen1 = 0x20_0000, Gen2 = 0x30_0000, Region = 0x10_0000;
    private const ulong TypeA = 0xA, TypeB = 0xB;

    private static void Regions(SurvivorTracker tracker)
    {
        tracker.OnGenerationRange(2, Gen2, Region);
        tracker.OnGenerationRange(1, Gen1, Region);
        tracker.OnGenerationRange(0, Gen0, Region);
    }

    private static SurvivorTracker Gc(SurvivorTracker tracker, int number, int depth, params (ulong From, ulong To, ulong Length)[] moves)
    {
        tracker.OnGcStart(number, depth, background: false);
        Regions(tracker);
        foreach (var (from, to, length) in moves)
            tracker.OnMoved(from, to, length);
        Regions(tracker);
        tracker.OnGcEnd(number);
        return tracker;
    }

    [Fact]
    public void A_compacting_GC_moves_the_live_and_drops_the_dead_of_its_generations()
    {
        var tracker = new SurvivorTracker(walkGc: 1);
        tracker.OnSampled(Gen0 + 0x100, TypeA, sample: 0); // kept, moved to gen1
        tracker.OnSampled(Gen0 + 0x900, TypeB, sample: 1); // dead: in gen0, in no range
        tracker.OnSampled(Gen1 + 0x40, TypeB, sample: 2);  // gen1, not condemned by a gen0 GC
        Gc(tracker, 1, depth: 0, (Gen0 + 0x100, Gen1 + 0x1000, 0x200));

        var alive = tracker.AtWalk!;
        Assert.Equal([Gen1 + 0x1000, Gen1 + 0x40], alive.Addresses);
        Assert.Equal([0, 2], alive.Samples);
        Assert.Equal([TypeA, TypeB], alive.Types);
    }

    [Fact]
    public void The_ranges_of_one_GC_apply_together_when_objects_slide_onto_each_other()
    {
        var tracker = new SurvivorTracker(walkGc: 1);
        tracker.OnSampled(Gen0 + 0x100, TypeA, 0);
        tracker.OnSampled(Gen0 + 0x200, TypeA, 1);
        // Compaction slides both down by 0x100: the first lands where nothing was, the second where the first was.
        Gc(tracker, 1, depth: 0, (Gen0 + 0x100, Gen0, 0x100), (Gen0 + 0x200, Gen0 + 0x100, 0x100));
        Assert.Equal([Gen0, Gen0 + 0x100], tracker.AtWalk!.Addresses);
    }

    [Fact]
    public void A_GC_nested_in_a_background_GC_keeps_its_own_ranges_and_the_background_GC_kills_nothing()
    {
        var tracker = new SurvivorTracker(walkGc: 3);
        tracker.OnSampled(Gen2 + 0x10, TypeA, 0); // dies in the background GC: stays tracked (the walk decides)
        tracker.OnSampled(Gen0 + 0x10, TypeA, 1); // moved by the nested gen0 GC
        tracker.OnGcStart(1, 2, background: true);
        Regions(tracker);
        Gc(tracker, 2, depth: 0, (Gen0 + 0x10, Gen1 + 0x10, 0x20));
        tracker.OnMoved(Gen2 + 0x1000, Gen2 + 0x1000, 0x10); // the background GC's own survivors
        tracker.OnGcEnd(1);
        Gc(tracker, 3, depth: 1, (Gen1 + 0x10, Gen2 + 0x2000, 0x20));

        Assert.Equal([Gen2 + 0x10, Gen2 + 0x2000], tracker.AtWalk!.Addresses);
        Assert.Equal(3, tracker.GcsApplied);
    }

    [Fact]
    public void A_full_GC_condemns_every_generation_and_objects_after_the_walk_are_not_in_the_window()
    {
        var tracker = new SurvivorTracker(walkGc: 7);
        tracker.OnSampled(Gen2 + 0x10, TypeA, 0);
        tracker.OnSampled(Gen1 + 0x10, TypeA, 1);
        tracker.OnSampled(Gen2 + 0x80, TypeA, 2);
        Gc(tracker, 7, depth: 2, (Gen1 + 0x10, Gen1 + 0x10, 0x20));
        tracker.OnSampled(Gen0 + 0x10, TypeA, 3);
        Gc(tracker, 8, depth: 0);

        Assert.Equal([Gen1 + 0x10], tracker.AtWalk!.Addresses);
    }
}
