using HeapLens.Tests.Infrastructure;

namespace HeapLens.Tests.Profiles;

/// <summary>
/// Two real allocation profiles of one AllocTarget process ("steps" mode) whose difference is known:
/// A records one workload (256 MB of byte[1000] in Allocators.AllocateArrays), B the same workload
/// plus a second one (256 MB of plain objects in Allocators.AllocateObjects). The target reports the
/// exact bytes of each step. At p = 1/102,400 per byte, 256 MB give ~2,600 samples: each estimate's
/// standard error is about sqrt(bytes x 102,400), 5 MB or 2%.
/// </summary>
public sealed class StepsCaptureFixture : IDisposable
{
    public const long Megabytes = 256;

    public StepsCaptureFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("heaplens-pdiff-").FullName;
        BasePath = Path.Combine(Directory, "a.pb.gz");
        NewPath = Path.Combine(Directory, "b.pb.gz");
        try
        {
            using var target = ChildProcess.StartDll("AllocTarget.dll", "steps");
            target.WaitForLineAsync("ready", TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
            BaseArrayBytes = Record(target, BasePath, ["arrays"])[0];
            long[] second = Record(target, NewPath, ["arrays", "objects"]);
            (NewArrayBytes, ObjectBytes) = (second[0], second[1]);
            target.CloseInput();
            target.WaitForExit(TimeSpan.FromSeconds(30));
        }
        catch
        {
            Dispose(); // xunit does not dispose a fixture whose constructor failed
            throw;
        }
    }

    /// <summary>Records one profile while the target runs the steps; returns the exact bytes of each step.</summary>
    private static long[] Record(ChildProcess target, string path, string[] steps)
    {
        using var heaplens = ChildProcess.StartDll("heaplens.dll", "allocs", "-p", $"{target.Id}", "-o", path, "--duration", "5m");
        RawTrace.WaitFor(heaplens.Id, 1, TimeSpan.FromSeconds(60));
        var bytes = new long[steps.Length];
        for (int i = 0; i < steps.Length; i++)
        {
            target.WriteLine($"{steps[i]} {Megabytes}");
            string done = target.WaitForLineAsync("done ", TimeSpan.FromMinutes(2)).GetAwaiter().GetResult();
            bytes[i] = long.Parse(done.Split(' ')[2]);
        }
        heaplens.Interrupt();
        int exit = heaplens.WaitForExit(TimeSpan.FromMinutes(3));
        if (exit != 0 || !File.Exists(path))
            throw new InvalidOperationException($"heaplens allocs exited {exit}: {heaplens.StandardError}");
        return bytes;
    }

    public string Directory { get; }
    public string BasePath { get; }
    public string NewPath { get; }
    public long BaseArrayBytes { get; }
    public long NewArrayBytes { get; }
    public long ObjectBytes { get; }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
            System.IO.Directory.Delete(Directory, recursive: true);
    }
}
