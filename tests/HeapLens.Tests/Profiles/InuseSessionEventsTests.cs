using HeapLens.Collection;
using HeapLens.Tests.Infrastructure;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Xunit;

namespace HeapLens.Tests.Profiles;

/// <summary>
/// The inuse session asks the runtime (.NET 10's provider event filter) to leave out the GC events that survivor
/// tracking does not read, which cuts their cost in the target; the events it does read must all still come.
/// A real target runs a known number of blocking GCs inside the session.
/// </summary>
public sealed class InuseSessionEventsTests
{
    private const int GcStart = 1, GcEnd = 2, SurvivingRanges = 21, MovedRanges = 22, GenerationRange = 23, GcHeapStats = 4;
    private const int ForcedGcs = 20;

    [Fact]
    public void The_inuse_session_keeps_every_event_survivor_tracking_reads_and_none_of_the_skipped_ones()
    {
        var provider = Assert.Single(AllocationRecorder.Providers(10, trackSurvivors: true));
        var counts = CountEventsWhileCollecting(provider);

        Assert.True(counts.GetValueOrDefault(GcStart) >= ForcedGcs, $"GCStart: {counts.GetValueOrDefault(GcStart)}");
        Assert.True(counts.GetValueOrDefault(GcEnd) >= ForcedGcs, $"GCEnd: {counts.GetValueOrDefault(GcEnd)}");
        Assert.True(counts.GetValueOrDefault(GenerationRange) >= 2 * ForcedGcs, $"GCGenerationRange: {counts.GetValueOrDefault(GenerationRange)}");
        Assert.True(counts.GetValueOrDefault(SurvivingRanges) + counts.GetValueOrDefault(MovedRanges) >= ForcedGcs,
            $"ranges: {counts.GetValueOrDefault(SurvivingRanges)} surviving, {counts.GetValueOrDefault(MovedRanges)} moved");
        Assert.All(GcEventsSurvivorTrackingSkips.Ids, id => Assert.Equal(0, counts.GetValueOrDefault((int)id)));
    }

    [Fact]
    public void Without_the_filter_the_same_GCs_bring_the_skipped_events()
    {
        // The control: the filter, not the workload, is what keeps them out.
        var filtered = Assert.Single(AllocationRecorder.Providers(10, trackSurvivors: true));
        var counts = CountEventsWhileCollecting(new EventPipeProvider(filtered.Name, filtered.EventLevel, filtered.Keywords));

        Assert.True(counts.GetValueOrDefault(GcHeapStats) >= ForcedGcs, $"GCHeapStats: {counts.GetValueOrDefault(GcHeapStats)}");
    }

    [Fact]
    public void Only_an_inuse_session_on_NET_10_or_later_filters()
    {
        Assert.NotNull(Assert.Single(AllocationRecorder.Providers(10, trackSurvivors: true)).EventFilter);
        Assert.NotNull(Assert.Single(AllocationRecorder.Providers(11, trackSurvivors: true)).EventFilter);
        Assert.Null(Assert.Single(AllocationRecorder.Providers(10)).EventFilter);
        // An unknown runtime may not know the filter command, and its GC keyword may carry AllocationTick.
        Assert.Null(Assert.Single(AllocationRecorder.Providers(null, trackSurvivors: true)).EventFilter);
        // GCStart, GCEnd and the movement keyword's events are never skipped.
        Assert.DoesNotContain(GcEventsSurvivorTrackingSkips.Ids, id => id is GcStart or GcEnd or SurvivingRanges or MovedRanges or GenerationRange);
    }

    /// <summary>Runtime events by id in a session with <paramref name="provider"/> while the target runs <see cref="ForcedGcs"/> blocking GCs.</summary>
    private static Dictionary<int, int> CountEventsWhileCollecting(EventPipeProvider provider)
    {
        using var target = TargetProcess.StartTestTarget();
        target.Send("arrays 2000 100"); // survivors, so that the GCs report surviving or moved ranges
        var client = new DiagnosticsClient(target.Id);
        using var session = client.StartEventPipeSession(
            new EventPipeSessionConfiguration([provider], 64, requestRundown: false, requestStackwalk: true));
        var counts = new Dictionary<int, int>();
        var reading = Task.Run(() =>
        {
            using var source = new EventPipeEventSource(session.EventStream);
            source.AllEvents += e =>
            {
                if (e.ProviderGuid == ClrTraceEventParser.ProviderGuid)
                    counts[(int)e.ID] = counts.GetValueOrDefault((int)e.ID) + 1;
            };
            source.Process();
        });
        target.Send($"gc {ForcedGcs}");
        session.Stop();
        Assert.True(reading.Wait(TimeSpan.FromMinutes(1)), "the session stream did not end");
        return counts;
    }
}
