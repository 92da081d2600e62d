using HeapLens.Collection;
using HeapLens.Monitoring;
using Xunit;
using HeapLens.Timelines;

namespace HeapLens.Tests.Monitoring;

public class GcEventAssemblerTests
{
    private readonly List<GcEvent> _gcs = [];
    private readonly GcEventAssembler _assembler;

    public GcEventAssemblerTests() => _assembler = new GcEventAssembler(_gcs.Add);

    private void BlockingGc(long number, int generation, double at, long before, GenerationSizes after, double pauseSeconds = 0.002)
    {
        _assembler.Suspend(at);
        _assembler.Start(number, generation, "AllocSmall", "NonConcurrentGC", at + 0.0001);
        _assembler.PerHeapHistory(before, fragmentation: 1000);
        _assembler.Stop(number, at + pauseSeconds / 2);
        _assembler.HeapStats(after, promoted: after.Total / 2);
        _assembler.Restart(at + pauseSeconds);
    }

    [Fact]
    public void A_blocking_GC_becomes_one_event_with_its_pause_sizes_and_allocations()
    {
        BlockingGc(1, 0, 1.0, before: 10_000_000, new GenerationSizes(0, 1_000_000, 0, 0, 0));
        BlockingGc(2, 1, 2.0, before: 21_000_000, new GenerationSizes(0, 0, 3_000_000, 500_000, 8_000), pauseSeconds: 0.004);

        Assert.Equal(2, _gcs.Count);
        var second = _gcs[1];
        Assert.Equal(2, second.Number);
        Assert.Equal(1, second.Generation);
        Assert.Equal(2.0001, second.Seconds, 6);
        Assert.Equal(4.0, second.PauseMilliseconds, 6);
        Assert.Equal(21_000_000, second.HeapBefore);
        Assert.Equal(3_508_000, second.HeapAfter);
        Assert.Equal(1_754_000, second.PromotedBytes);
        Assert.Equal(1000, second.FragmentationBytes);
        // Allocated between the two: heap before this GC minus heap after the previous one.
        Assert.Equal(20_000_000, second.AllocatedBytes);
        Assert.Equal(20_000_000 / (2.0001 - 1.002), second.AllocationRate, 0);
        Assert.Equal(0, _gcs[0].AllocatedBytes);
    }

    [Fact]
    public void Server_GC_heaps_add_up()
    {
        _assembler.Suspend(1);
        _assembler.Start(7, 0, "AllocSmall", "NonConcurrentGC", 1);
        _assembler.PerHeapHistory(4_000_000, 10);
        _assembler.PerHeapHistory(6_000_000, 20);
        _assembler.Stop(7, 1.0005);
        _assembler.HeapStats(new GenerationSizes(1, 2, 3, 4, 5), 6);
        _assembler.Restart(1.001);
        var gc = Assert.Single(_gcs);
        Assert.Equal(10_000_000, gc.HeapBefore);
        Assert.Equal(30, gc.FragmentationBytes);
    }

    [Fact]
    public void A_background_GC_with_a_foreground_GC_inside_it_gives_two_events()
    {
        _assembler.Suspend(5.0);
        _assembler.Start(10, 2, "AllocSmall", "BackgroundGC", 5.0001);
        _assembler.Restart(5.001); // the background GC runs on while the program does
        _assembler.Suspend(5.2);
        _assembler.Start(11, 0, "AllocSmall", "ForegroundGC", 5.2001);
        _assembler.PerHeapHistory(30_000_000, 0);
        _assembler.Stop(11, 5.202);
        _assembler.HeapStats(new GenerationSizes(0, 2_000_000, 20_000_000, 0, 0), 2_000_000);
        _assembler.Restart(5.203);
        _assembler.PerHeapHistory(25_000_000, 5_000);
        _assembler.Stop(10, 5.9);
        _assembler.HeapStats(new GenerationSizes(0, 2_000_000, 12_000_000, 0, 0), 14_000_000);

        Assert.Equal(2, _gcs.Count);
        var foreground = _gcs[0];
        Assert.Equal(11, foreground.Number);
        Assert.Equal(0, foreground.Generation);
        Assert.Equal(3.0, foreground.PauseMilliseconds, 6);
        var background = _gcs[1];
        Assert.Equal(10, background.Number);
        Assert.Equal(2, background.Generation);
        Assert.True(background.IsFull);
        Assert.Equal("BackgroundGC", background.Kind);
        Assert.Equal(1.0, background.PauseMilliseconds, 6);
        Assert.Equal(14_000_000, background.HeapAfter);
        Assert.Equal(5_000, background.FragmentationBytes);
        // It overlapped the foreground GC, so it claims no allocations of its own.
        Assert.Equal(0, background.AllocatedBytes);
        Assert.Equal(0, background.AllocationRate);
    }

    [Fact]
    public void GCs_whose_stop_was_lost_do_not_pile_up()
    {
        for (long n = 1; n <= 1000; n++)
            _assembler.Start(n, 0, "AllocSmall", "NonConcurrentGC", n); // no Stop: dropped events
        BlockingGc(1001, 0, 2000, before: 5_000_000, new GenerationSizes(0, 1_000_000, 0, 0, 0));
        Assert.Equal([1001L], _gcs.Select(g => g.Number));
        Assert.Equal(5_000_000, _gcs[0].HeapBefore);
    }

    [Fact]
    public void A_GC_already_running_when_the_session_began_is_skipped()
    {
        _assembler.PerHeapHistory(1, 1);
        _assembler.Stop(3, 0.4);
        _assembler.HeapStats(new GenerationSizes(1, 1, 1, 1, 1), 1);
        _assembler.Restart(0.5);
        BlockingGc(4, 0, 1.0, before: 5_000_000, new GenerationSizes(0, 1_000_000, 0, 0, 0));
        Assert.Equal([4L], _gcs.Select(g => g.Number));
    }
}
