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
public sealed class KeepCaptureFixture() : KeeperFixture("heaplens-inuse-")
{
    public string ProfilePath => Path.Combine(Directory, "keep.pb.gz");

    protected override string[] RecordingArguments(int pid) => ["allocs", "-p", $"{pid}", "-o", ProfilePath, "--duration", "5m"];
}
