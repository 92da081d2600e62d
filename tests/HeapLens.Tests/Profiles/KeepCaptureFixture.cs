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
        using var target = ChildProcess.StartDll("AllocTarget.dll", "keep", $"{KeptMegabytes}", $"{Ratio}");
        target.WaitForLineAsync("ready", TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();

        using var heaplens = ChildProcess.StartDll("heaplens.dll", "allocs", "-p", $"{target.Id}", "-o", ProfilePath, "--duration", "5m");
        RawTrace.WaitFor(heaplens.Id, 1, TimeSpan.FromSeconds(60));
        target.WriteLine("go");
        string done = target.WaitForLineAsync("done ", TimeSpan.FromMinutes(3)).GetAwaiter().GetResult();
        long[] numbers = done.Split(' ').Skip(1).Select(long.Parse).ToArray();
        (Kept, KeptBytes, Dropped, DroppedBytes) = (numbers[0], numbers[1], numbers[2], numbers[3]);

        heaplens.Interrupt();
        ExitCode = heaplens.WaitForExit(TimeSpan.FromMinutes(3));
        Output = heaplens.StandardOutput;
        Error = heaplens.StandardError;
        target.CloseInput();
        target.WaitForExit(TimeSpan.FromSeconds(30));
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
