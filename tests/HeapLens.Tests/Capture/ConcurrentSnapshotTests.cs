using System.Diagnostics.Tracing;
using HeapLens.Analysis;
using HeapLens.Collection;
using HeapLens.Tests.Infrastructure;
using Microsoft.Diagnostics.NETCore.Client;
using Xunit;

namespace HeapLens.Tests.Capture;

/// <summary>
/// Two heap walks of one process at once: a second session makes the runtime walk again and both
/// walks reach both sessions. A snapshot must hold exactly what the target holds, or not be written.
/// </summary>
public class ConcurrentSnapshotTests
{
    private const int Items = 1_500_000;

    [Fact]
    public async Task Two_heaplens_snapshots_at_once_are_both_exact_or_the_second_is_refused()
    {
        using var target = TargetProcess.StartTestTarget();
        target.Send($"items {Items}");
        using var directory = new TempDirectory();
        string first = directory.File("first.heapsnap"), second = directory.File("second.heapsnap");

        var running = HeapLensCli.RunAsync(TimeSpan.FromMinutes(3), "snapshot", "-p", target.Id.ToString(), "-o", first);
        await Task.Delay(300);
        var results = new[] { await HeapLensCli.RunAsync(TimeSpan.FromMinutes(3), "snapshot", "-p", target.Id.ToString(), "-o", second), await running };

        Assert.Contains(results, r => r.ExitCode == 0);
        foreach (var (result, file) in results.Zip([second, first]))
        {
            if (result.ExitCode == 0)
            {
                Assert.Equal(Items, SnapshotFile.ItemCount(file));
            }
            else
            {
                Assert.Equal(1, result.ExitCode);
                Assert.Contains($"another heaplens is taking a heap snapshot of process {target.Id}", result.StandardError);
                OutputFileTests.AssertOneLine(result.StandardError);
                Assert.False(File.Exists(file));
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Another_tools_heap_walk_never_mixes_into_ours(bool foreignFirst)
    {
        // dotnet-gcdump opens the same kind of session and does not know our lock.
        using var target = TargetProcess.StartTestTarget();
        target.Send($"items {Items}");
        Task<HeapLens.Snapshots.HeapSnapshot> ours;
        ForeignHeapWalk foreign;
        if (foreignFirst)
        {
            foreign = ForeignHeapWalk.Start(target.Id);
            await Task.Delay(300);
            ours = HeapSnapshotCollector.CaptureAsync(target.Descriptor, new HeapCaptureOptions());
        }
        else
        {
            ours = HeapSnapshotCollector.CaptureAsync(target.Descriptor, new HeapCaptureOptions());
            await Task.Delay(300);
            foreign = ForeignHeapWalk.Start(target.Id);
        }
        using (foreign)
        {
            HeapLens.Snapshots.HeapSnapshot snapshot;
            try
            {
                snapshot = await ours;
            }
            catch (HeapLensException refused)
            {
                // Refused is right when the other walk spoilt ours: never a wrong snapshot.
                Assert.True(refused.Message.Contains("another tool (e.g. dotnet-gcdump)", StringComparison.Ordinal), refused.Message);
                return;
            }
            var items = TypeHistogram.Compute(snapshot).Single(t => t.TypeName == "Fixture.Item");
            Assert.Equal(Items, items.Count);
            Assert.Equal(Items * 32L, items.ShallowBytes);
            Assert.DoesNotContain(snapshot.TypeNames, name => name.StartsWith("<unknown type", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_walk_while_another_tools_session_stays_open_is_named_from_the_target()
    {
        // The runtime names a type to its sessions once, until no session asks for type events: with the other
        // tool's session still open after its walk, our walk names almost no type. They are named from the target.
        using var target = TargetProcess.StartTestTarget();
        target.Send($"items {Items}");
        HeapLens.Snapshots.HeapSnapshot named;
        using (ForeignHeapWalk.Start(target.Id)) // returns once its walk is over
            named = await HeapSnapshotCollector.CaptureAsync(target.Descriptor, new HeapCaptureOptions());
        var clean = await HeapSnapshotCollector.CaptureAsync(target.Descriptor, new HeapCaptureOptions());

        var items = TypeHistogram.Compute(named).Single(t => t.TypeName == "Fixture.Item");
        Assert.Equal(Items, items.Count);
        Assert.Equal(Items * 32L, items.ShallowBytes);
        // In the walk's own spelling (RuntimeSpellingTests compares each name with the walk's): generic types
        // as List`1[...], not as ClrMD spells them, so they count with the same types of other snapshots.
        Assert.DoesNotContain(named.TypeNames, name => name.StartsWith("<unknown type", StringComparison.Ordinal));
        Assert.DoesNotContain(named.TypeNames, name => !name.Contains('+') && System.Text.RegularExpressions.Regex.IsMatch(name, @"\w<"));
        Assert.Contains("System.Collections.Generic.List`1[Fixture.Item]", clean.TypeNames);
        Assert.Contains("System.Collections.Generic.List`1[Fixture.Item]", named.TypeNames);
    }

    /// <summary>A heap-walk session of the kind dotnet-gcdump opens, read and thrown away until disposed.</summary>
    private sealed class ForeignHeapWalk : IDisposable
    {
        private readonly EventPipeSession _session;
        private readonly Task _drain;

        private ForeignHeapWalk(EventPipeSession session)
        {
            _session = session;
            _drain = session.EventStream.CopyToAsync(Stream.Null);
        }

        public static ForeignHeapWalk Start(int pid) => new(new DiagnosticsClient(pid).StartEventPipeSession(
            [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, 0x1980001)],
            requestRundown: false, circularBufferMB: 1024));

        public void Dispose()
        {
            _session.Stop();
            _drain.Wait(TimeSpan.FromSeconds(30));
            _session.Dispose();
        }
    }
}
