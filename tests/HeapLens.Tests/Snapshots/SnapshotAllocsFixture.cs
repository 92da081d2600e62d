using HeapLens.Tests.Infrastructure;
using HeapLens.Tests.Profiles;

namespace HeapLens.Tests.Snapshots;

/// <summary>
/// One real `snapshot --allocs` of a target whose truth is known: AllocTarget's Keeper.Keep allocates
/// 100 MB of byte[1000] and keeps them (static Keeper.Kept), Keeper.Drop allocates ten times as much
/// of the same type from another stack and drops it, both through the same ~300 GCs. A plain snapshot
/// is taken first (the base of a diff); then `snapshot --allocs 5m` records the work and Ctrl+C ends
/// the window, after which the heap walk that ends it is written as the snapshot.
/// </summary>
public sealed class SnapshotAllocsFixture() : KeeperFixture("heaplens-snapallocs-")
{
    public string BasePath => Path.Combine(Directory, "before.heapsnap");
    public string SnapshotPath => Path.Combine(Directory, "after.heapsnap");

    protected override string[] RecordingArguments(int pid) => ["snapshot", "-p", $"{pid}", "-o", SnapshotPath, "--allocs", "5m"];

    protected override void BeforeRecording(int pid)
    {
        var (exit, _, error) = ChildProcess.RunHeapLens("snapshot", "-p", $"{pid}", "-o", BasePath);
        if (exit != 0)
            throw new InvalidOperationException($"the base snapshot failed: {error}");
    }
}
