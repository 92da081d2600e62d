using HeapLens.Analysis;
using HeapLens.Collection;
using HeapLens.Formats.HeapSnap;
using HeapLens.Snapshots;
using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Snapshots;

/// <summary>Snapshots of a real target process, checked against what the target built.</summary>
public class SnapshotCaptureTests
{
    // An Item is an object header, a method table pointer and two longs on 64-bit.
    private const int ItemSize = 8 + 8 + 2 * 8;

    private static HeapSnapshot Capture(TargetProcess target) =>
        HeapSnapshotCollector.CaptureAsync(target.Descriptor, new HeapCaptureOptions()).GetAwaiter().GetResult();

    private static TypeStatistics TypeNamed(HeapSnapshot snapshot, string name) =>
        TypeHistogram.Compute(snapshot).Single(t => t.TypeName == name);

    [Fact]
    public void Holds_exactly_the_million_items_the_target_holds()
    {
        using var target = TargetProcess.StartTestTarget();
        target.Send("items 1000000");

        var snapshot = Capture(target);

        var items = TypeNamed(snapshot, "Fixture.Item");
        Assert.Equal(1_000_000, items.Count);
        Assert.Equal(1_000_000L * ItemSize, items.ShallowBytes);
        Assert.True(snapshot.Metadata.GcPauseMilliseconds > 0);
        Assert.Equal(target.Id, snapshot.Metadata.ProcessId);
        Assert.Equal("HeapLens.TestTarget", snapshot.Metadata.ProcessName);
        Assert.StartsWith("10.", snapshot.Metadata.RuntimeVersion);
        Assert.Equal(0, snapshot.Metadata.UnresolvedReferences);
    }

    [Fact]
    public async Task A_walk_streamed_during_the_pause_holds_exactly_what_the_target_holds()
    {
        // The walk asked for by a second session (WalkTrigger), the recording session streaming it meanwhile.
        using var target = TargetProcess.StartTestTarget();
        target.Send("items 1000000");

        var snapshot = await HeapSnapshotCollector.CaptureAsync(target.Descriptor, new HeapCaptureOptions { StreamDuringPause = true });

        var items = TypeNamed(snapshot, "Fixture.Item");
        Assert.Equal(1_000_000, items.Count);
        Assert.Equal(1_000_000L * ItemSize, items.ShallowBytes);
        Assert.Equal(0, snapshot.Metadata.UnresolvedReferences);
        // The target is left without a session: a plain capture right after finds the same items.
        Assert.Equal(1_000_000, TypeNamed(Capture(target), "Fixture.Item").Count);
    }

    [Fact]
    public void Every_item_is_referenced_from_the_list_array_held_by_the_static_field()
    {
        using var target = TargetProcess.StartTestTarget();
        target.Send("items 250000");

        var snapshot = Capture(target);

        int itemType = Array.IndexOf(snapshot.TypeNames, "Fixture.Item");
        int arrayType = Array.IndexOf(snapshot.TypeNames, "Fixture.Item[]");
        var referencedItems = new HashSet<int>();
        for (int node = 0; node < snapshot.NodeCount; node++)
        {
            if (snapshot.TypeIndex[node] != arrayType)
                continue;
            foreach (int target2 in snapshot.Successors(node))
                if (snapshot.TypeIndex[target2] == itemType)
                    referencedItems.Add(target2);
        }
        Assert.Equal(250_000, referencedItems.Count);

        // The static field is a named root holding the List<Item>.
        int root = Enumerable.Range(0, snapshot.Roots.Count)
            .Single(r => snapshot.Roots.NameOf(r) == "Fixture.Holder.s_items");
        Assert.Equal(RootKind.Static, snapshot.Roots.Kinds[root]);
        Assert.Equal("System.Collections.Generic.List`1[Fixture.Item]", snapshot.TypeNameOf(snapshot.Roots.Nodes[root]));
    }

    [Fact]
    public void Nested_types_are_named_with_their_declaring_type_and_kept_apart()
    {
        using var target = TargetProcess.StartTestTarget();
        target.Send("nested 1000");

        var snapshot = Capture(target);

        // Left.Inner: header, method table pointer, one long; Right.Inner has two longs. The walk
        // names both "Inner", which used to make them one type of 2,000 instances.
        var left = TypeNamed(snapshot, "Fixture.Left+Inner");
        Assert.Equal((1000, 1000L * 24), (left.Count, left.ShallowBytes));
        var right = TypeNamed(snapshot, "Fixture.Right+Inner");
        Assert.Equal((1000, 1000L * 32), (right.Count, right.ShallowBytes));
        // The dictionary's entry array (older ones were left behind by its resizes and collected).
        Assert.Equal(1, TypeNamed(snapshot, "System.Collections.Generic.Dictionary<System.Int32, Fixture.Item>+Entry[]").Count);
        Assert.Equal(1, TypeNamed(snapshot, "System.Collections.Generic.Dictionary`2[System.Int32,Fixture.Item]").Count);
        Assert.DoesNotContain(snapshot.TypeNames, name => name == "Inner" || name.StartsWith("Entry[", StringComparison.Ordinal));
    }

    [Fact]
    public void A_long_chain_keeps_every_link()
    {
        using var target = TargetProcess.StartTestTarget();
        target.Send("chain 200000");

        var snapshot = Capture(target);

        int chainType = Array.IndexOf(snapshot.TypeNames, "Fixture.ChainNode");
        var links = Enumerable.Range(0, snapshot.NodeCount).Where(n => snapshot.TypeIndex[n] == chainType).ToList();
        Assert.Equal(200_000, links.Count);
        // Every link but the last points at exactly one other link.
        Assert.Equal(199_999, links.Count(n => snapshot.Successors(n).Length == 1));
    }

    [Fact]
    public void A_second_snapshot_of_the_same_process_still_names_every_type()
    {
        using var target = TargetProcess.StartTestTarget();
        target.Send("items 1000");
        var first = Capture(target);
        target.Send("arrays 10 1000");
        var second = Capture(target);

        Assert.DoesNotContain(second.TypeNames, name => name.StartsWith("<unknown type", StringComparison.Ordinal));
        Assert.Equal(1000, TypeNamed(second, "Fixture.Item").Count);
        Assert.True(second.Metadata.GcNumber > first.Metadata.GcNumber);
    }

    [Fact]
    public void Values_attached_through_a_conditional_weak_table_are_reachable_from_their_keys()
    {
        using var target = TargetProcess.StartTestTarget();
        target.Send("cwt 1000");

        var snapshot = Capture(target);

        int keyType = Array.IndexOf(snapshot.TypeNames, "Fixture.Key");
        int valueType = Array.IndexOf(snapshot.TypeNames, "Fixture.Value");
        var keys = Enumerable.Range(0, snapshot.NodeCount).Where(n => snapshot.TypeIndex[n] == keyType).ToList();
        Assert.Equal(1000, keys.Count);
        // A Key has no fields: its only edge is the dependent handle's, to its Value.
        Assert.All(keys, key => Assert.Equal(valueType, snapshot.TypeIndex[Assert.Single(snapshot.Successors(key).ToArray())]));
    }

    [Fact]
    public void Garbage_is_not_in_the_snapshot()
    {
        using var target = TargetProcess.StartTestTarget();
        target.Send("garbage 2000000");

        var snapshot = Capture(target);

        // The two million object[4] are dead after the induced GC: only the runtime's own few remain.
        Assert.True(TypeNamed(snapshot, "System.Object[]").Count < 1000);
    }

    [Fact]
    public void The_file_round_trips_exactly()
    {
        using var target = TargetProcess.StartTestTarget();
        target.Send("items 100000");
        target.Send("chain 1000");
        var snapshot = Capture(target);
        using var directory = new TempDirectory();
        string path = directory.File("round.heapsnap");

        HeapSnapFile.Write(snapshot, path);
        var loaded = HeapSnapFile.Read(path);

        SnapshotAssert.SameHeap(snapshot, loaded);
        Assert.Single(Directory.GetFiles(directory.Path)); // no temporary file left behind
    }

    [Fact]
    public void A_target_that_dies_during_the_capture_gives_a_clear_error_and_no_snapshot()
    {
        using var target = TargetProcess.StartTestTarget();
        target.Send("items 100000");
        var progress = new KillOnFirstReport(target);

        var error = Assert.Throws<HeapLensException>(() =>
            HeapSnapshotCollector.CaptureAsync(target.Descriptor, new HeapCaptureOptions(), progress).GetAwaiter().GetResult());

        Assert.Contains("exited", error.Message);
    }

    [Fact]
    public void A_cancelled_capture_stops_cleanly_and_leaves_the_target_running()
    {
        using var target = TargetProcess.StartTestTarget();
        target.Send("items 2000000");
        using var cancel = new CancellationTokenSource();
        using var directory = new TempDirectory();
        var progress = new CancelWhile(CaptureStage.Streaming, cancel);

        Assert.ThrowsAny<OperationCanceledException>(() => HeapSnapshotCollector.CaptureAsync(target.Descriptor,
            new HeapCaptureOptions { TempDirectory = directory.Path }, progress, cancel.Token).GetAwaiter().GetResult());

        Assert.Empty(Directory.GetFileSystemEntries(directory.Path)); // the raw stream is gone
        Assert.False(target.HasExited);
        Assert.Equal(2_000_000, TypeNamed(Capture(target), "Fixture.Item").Count);
    }

    /// <summary>Cancels the capture when it reaches a stage, while the parser is busy.</summary>
    private sealed class CancelWhile(CaptureStage stage, CancellationTokenSource cancel) : IProgress<CaptureProgress>
    {
        public void Report(CaptureProgress value)
        {
            if (value.Stage == stage)
                cancel.Cancel();
        }
    }

    /// <summary>Kills the target as soon as the capture has connected.</summary>
    private sealed class KillOnFirstReport(TargetProcess target) : IProgress<CaptureProgress>
    {
        public void Report(CaptureProgress value)
        {
            if (value.Stage == CaptureStage.WaitingForGc && !target.HasExited)
            {
                target.Kill();
                Thread.Sleep(200);
            }
        }
    }
}
