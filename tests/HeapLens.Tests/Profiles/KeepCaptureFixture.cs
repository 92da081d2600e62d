using HeapLens.Tests.Infrastructure;

namespace HeapLens.Tests.Profiles;

/// <summary>
/// One real inuse capture: AllocTarget's Keeper.Keep allocates 100 MB of byte[1000] and keeps it,
/// Keeper.Drop allocates ten times as much of the same type and drops it, interleaved so that both
/// live through the same ~300 GCs (the kept arrays are moved and promoted); `heaplens allocs`
/// records the window and Ctrl+C ends it, after which the induced full GC and its heap walk run.
/// 100 MB kept gives ~1,000 samples of kept arrays: the estimate's standard error is ~3%, and the 15%
/// tolerance of the tests is five of them.
/// </summary>
public sealed class KeepCaptureFixture : IDisposable
{
    public const long KeptMegabytes = 100;
    public const int Ratio = 10;

    public KeepCaptureFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("heaplens-inuse-").FullName;
        ProfilePath = Path.Combine(Directory, "keep.pb.gz");
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
        var run = KeeperRun.Record(KeptMegabytes, Ratio, pid => ["allocs", "-p", $"{pid}", "-o", ProfilePath, "--duration", "5m"]);
        (Kept, KeptBytes, Dropped, DroppedBytes) = (run.Kept, run.KeptBytes, run.Dropped, run.DroppedBytes);
        (ExitCode, Output, Error) = (run.ExitCode, run.Output, run.Error);
    }

    public string Directory { get; }
    public string ProfilePath { get; }
    public long Kept { get; private set; }
    public long KeptBytes { get; private set; }
    public long Dropped { get; private set; }
    public long DroppedBytes { get; private set; }
    public int ExitCode { get; private set; }
    public string Output { get; private set; } = "";
    public string Error { get; private set; } = "";

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
            System.IO.Directory.Delete(Directory, recursive: true);
    }
}
