using HeapLens.Collection;
using HeapLens.Monitoring;
using Xunit;
using HeapLens.Timelines;

namespace HeapLens.Tests.Monitoring;

/// <summary>The GC event session on a real process, with the GC most services run: concurrent.</summary>
[Collection(TimingSensitiveCollection.Name)]
public class GcEventSessionTests
{
    [Fact]
    public async Task Every_GC_of_a_concurrent_GC_process_becomes_one_complete_record()
    {
        // Concurrent GC on: the gen2 GCs of a fast-growing heap run in the background, with
        // foreground GCs inside them.
        using var target = await GcTargetProcess.StartAsync(
            new Dictionary<string, string> { ["DOTNET_gcConcurrent"] = "1" }, "leak", "--leak-mbps", "8");
        var gcs = new List<GcEvent>();
        using (var session = await GcEventSession.StartAsync(target.Id, GcEventSession.DefaultStartTimeout, CancellationToken.None))
        {
            var reading = Task.Run(() => session.Process(gc => { lock (gcs) gcs.Add(gc); }));
            await Task.Delay(TimeSpan.FromSeconds(12));
            Assert.True(await session.StopAsync(TimeSpan.FromSeconds(30)));
            await reading.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, session.EventsLost);
        }

        Assert.True(gcs.Count >= 10, $"only {gcs.Count} GCs in 12 s");
        Assert.Contains(gcs, g => g.Kind == "BackgroundGC" && g.Generation == 2);
        // The runtime numbers its GCs; none may be lost or doubled between the first and the last.
        var numbers = gcs.Select(g => g.Number).Order().ToList();
        Assert.Equal(Enumerable.Range(0, numbers.Count).Select(i => numbers[0] + i), numbers);
        foreach (var gc in gcs)
        {
            Assert.InRange(gc.Generation, 0, 2);
            Assert.True(gc.HeapAfter > 0);
            Assert.True(gc.HeapBefore > 0);
            Assert.True(gc.PauseMilliseconds >= 0);
            Assert.False(string.IsNullOrEmpty(gc.Reason));
        }
        // The target retains 8 MB/s: the heap after the last GC holds most of what it kept.
        double retainedPerSecond = target.RetainedGrowthPerSecond();
        Assert.InRange(retainedPerSecond, 7 * 1024 * 1024, 9 * 1024 * 1024);
        Assert.True(gcs.Max(g => g.HeapAfter) >= 8 * 8 * 1024 * 1024, "at least 8 s of 8 MB/s must show in the heap");
    }
}
