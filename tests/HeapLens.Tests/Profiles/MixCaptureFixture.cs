using Xunit;
using HeapLens.Tests.Infrastructure;

namespace HeapLens.Tests.Profiles;

/// <summary>
/// One real capture shared by the live-profiling tests: AllocTarget allocates 1 GB of byte[1000]
/// in Allocators.AllocateArrays and 1 GB of plain objects in Allocators.AllocateObjects while
/// `heaplens allocs` records it; Ctrl+C (SIGINT) then ends the capture long before its --duration.
/// 1 GB each gives ~10,000 samples per method, so the estimates' standard error is ~1%, and the 5%
/// tolerance of the tests is five standard errors away.
/// </summary>
public sealed class MixCaptureFixture : IDisposable
{
    public const long MegabytesEach = 1024;

    public MixCaptureFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("heaplens-allocs-").FullName;
        ProfilePath = Path.Combine(Directory, "mix.pb.gz");
        try
        {
            (Arrays, ArrayBytes, Objects, ObjectBytes, ExitCode, Output, Error) = Capture();
        }
        catch
        {
            Dispose(); // xunit does not dispose a fixture whose constructor failed
            throw;
        }
    }

    private (long Arrays, long ArrayBytes, long Objects, long ObjectBytes, int ExitCode, string Output, string Error) Capture()
    {
        using var target = ChildProcess.StartDll("AllocTarget.dll", "mix", $"{MegabytesEach}", $"{MegabytesEach}");
        target.WaitForLineAsync("ready", TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();

        using var heaplens = ChildProcess.StartDll("heaplens.dll", "allocs", "-p", $"{target.Id}", "-o", ProfilePath, "--duration", "5m");
        RawTrace.WaitFor(heaplens.Id, 1, TimeSpan.FromSeconds(60));
        target.WriteLine("go");
        string done = target.WaitForLineAsync("done ", TimeSpan.FromMinutes(2)).GetAwaiter().GetResult();
        long[] numbers = done.Split(' ').Skip(1).Select(long.Parse).ToArray();

        heaplens.Interrupt();
        int exitCode = heaplens.WaitForExit(TimeSpan.FromMinutes(3));
        target.CloseInput();
        target.WaitForExit(TimeSpan.FromSeconds(30));
        return (numbers[0], numbers[1], numbers[2], numbers[3], exitCode, heaplens.StandardOutput, heaplens.StandardError);
    }

    public string Directory { get; }
    public string ProfilePath { get; }
    public long Arrays { get; }
    public long ArrayBytes { get; }
    public long Objects { get; }
    public long ObjectBytes { get; }
    public int ExitCode { get; }
    public string Output { get; }
    public string Error { get; }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
            System.IO.Directory.Delete(Directory, recursive: true);
    }
}
