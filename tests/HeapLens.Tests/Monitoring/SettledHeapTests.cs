using HeapLens.Timelines;
using Xunit;

namespace HeapLens.Tests.Monitoring;

public class SettledHeapTests
{
    private static GcEvent Gc(int generation, long gen0, long gen1, long gen2, long loh, long poh) =>
        new(1, 1, generation, "AllocSmall", "NonConcurrentGC", 0.1, 0, new GenerationSizes(gen0, gen1, gen2, loh, poh), 0, 0, 0, 0);

    [Fact]
    public void Counts_gen1_as_of_the_last_gen1_GC_and_large_objects_as_of_the_last_full_GC()
    {
        var settled = new SettledHeap();
        // First GC seen: nothing vouched yet, so it counts as it is.
        Assert.Equal(1 + 10 + 100 + 20 + 2, settled.After(Gc(0, 1, 10, 100, 20, 2)));
        // gen0 GCs promote into gen1 and large objects pile up: neither counts until collected.
        Assert.Equal(3 + 10 + 100 + 20 + 2, settled.After(Gc(0, 3, 15, 100, 25, 2)));
        Assert.Equal(0 + 10 + 100 + 20 + 2, settled.After(Gc(0, 0, 40, 100, 60, 3)));
        // A gen1 GC vouches for gen1 (and moved survivors into gen2), not for large objects.
        Assert.Equal(0 + 4 + 130 + 20 + 2, settled.After(Gc(1, 0, 4, 130, 70, 3)));
        Assert.Equal(0 + 4 + 130 + 20 + 2, settled.After(Gc(0, 0, 9, 130, 75, 3)));
        // A full GC vouches for everything.
        Assert.Equal(0 + 1 + 120 + 50 + 3, settled.After(Gc(2, 0, 1, 120, 50, 3)));
        Assert.Equal(0 + 1 + 120 + 50 + 3, settled.After(Gc(0, 0, 6, 120, 80, 3)));
        // A generation that shrank without its GC (not seen from the runtime, but cheap to honour)
        // never counts above what it is.
        Assert.Equal(0 + 0 + 120 + 10 + 3, settled.After(Gc(0, 0, 0, 120, 10, 3)));
    }
}
