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
public sealed class SnapshotAllocsFixture : IDisposable
{
    public const long KeptMegabytes = 100;
    public const int Ratio = 10;

    public SnapshotAllocsFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("heaplens-snapallocs-").FullName;
        BasePath = Path.Combine(Directory, "before.heapsnap");
        SnapshotPath = Path.Combine(Directory, "after.heapsnap");
        try
        {
            Capture();
        }
        catch
        {
            Dispose(); // xunit does not dispose a fixture whose constructor failed
            throw;
        }
    }

    private void Capture()
    {
        var run = KeeperRun.Record(KeptMegabytes, Ratio, pid => ["snapshot", "-p", $"{pid}", "-o", SnapshotPath, "--allocs", "5m"],
            beforeRecording: pid =>
            {
                var (exit, _, error) = ChildProcess.RunHeapLens("snapshot", "-p", $"{pid}", "-o", BasePath);
                if (exit != 0)
                    throw new InvalidOperationException($"the base snapshot failed: {error}");
            });
        (Kept, KeptBytes) = (run.Kept, run.KeptBytes);
        (ExitCode, Output, Error) = (run.ExitCode, run.Output, run.Error);
    }

    public string Directory { get; }
    public string BasePath { get; }
    public string SnapshotPath { get; }
    public long Kept { get; private set; }
    public long KeptBytes { get; private set; }
    public int ExitCode { get; private set; }
    public string Output { get; private set; } = "";
    public string Error { get; private set; } = "";

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
            System.IO.Directory.Delete(Directory, recursive: true);
    }
}
