using HeapLens.Tests.Profiles;

namespace HeapLens.Tests.Infrastructure;

/// <summary>
/// AllocTarget's `keep` workload under a recording heaplens: Keeper.Keep allocates <c>keptMegabytes</c>
/// of byte[1000] and keeps them (static Keeper.Kept), Keeper.Drop allocates <c>ratio</c> times as much
/// of the same type from another stack and drops it, interleaved so both live through the same ~300 GCs.
/// The heaplens command is started once the target is ready (<paramref name="beforeRecording"/> runs
/// first, e.g. a base snapshot), the work runs once its session is open, and Ctrl+C ends the window.
/// The counts are the target's own: what the recording must find.
/// </summary>
public sealed record KeeperRun(long Kept, long KeptBytes, long Dropped, long DroppedBytes, int ExitCode, string Output, string Error)
{
    public static KeeperRun Record(long keptMegabytes, int ratio, Func<int, string[]> heaplensArguments, Action<int>? beforeRecording = null)
    {
        using var target = ChildProcess.StartDll("AllocTarget.dll", "keep", $"{keptMegabytes}", $"{ratio}");
        target.WaitForLineAsync("ready", TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        beforeRecording?.Invoke(target.Id);

        using var heaplens = ChildProcess.StartDll("heaplens.dll", heaplensArguments(target.Id));
        RawTrace.WaitFor(heaplens.Id, 1, TimeSpan.FromSeconds(60));
        target.WriteLine("go");
        string done = target.WaitForLineAsync("done ", TimeSpan.FromMinutes(3)).GetAwaiter().GetResult();
        long[] numbers = done.Split(' ').Skip(1).Select(long.Parse).ToArray();

        heaplens.Interrupt();
        int exitCode = heaplens.WaitForExit(TimeSpan.FromMinutes(3));
        var run = new KeeperRun(numbers[0], numbers[1], numbers[2], numbers[3], exitCode, heaplens.StandardOutput, heaplens.StandardError);
        target.CloseInput();
        target.WaitForExit(TimeSpan.FromSeconds(30));
        return run;
    }
}

/// <summary>
/// A class fixture that records one <see cref="KeeperRun"/> into its own temporary directory, deleted on
/// dispose. A subclass says which heaplens command records (its paths derive from <see cref="Directory"/>,
/// so they are ready when the base constructor runs) and what runs before it.
/// </summary>
public abstract class KeeperFixture : IDisposable
{
    public const long KeptMegabytes = 100;
    public const int Ratio = 10;

    protected KeeperFixture(string directoryPrefix)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory(directoryPrefix).FullName;
        try
        {
            Run = KeeperRun.Record(KeptMegabytes, Ratio, RecordingArguments, BeforeRecording);
        }
        catch
        {
            Dispose(); // xunit does not dispose a fixture whose constructor failed
            throw;
        }
    }

    /// <summary>The heaplens command line that records the work of process <c>pid</c>.</summary>
    protected abstract string[] RecordingArguments(int pid);

    /// <summary>Runs once the target is ready, before the recording starts.</summary>
    protected virtual void BeforeRecording(int pid)
    {
    }

    public string Directory { get; }
    public KeeperRun Run { get; }
    public long Kept => Run.Kept;
    public long KeptBytes => Run.KeptBytes;
    public long Dropped => Run.Dropped;
    public long DroppedBytes => Run.DroppedBytes;
    public int ExitCode => Run.ExitCode;
    public string Output => Run.Output;
    public string Error => Run.Error;

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
            System.IO.Directory.Delete(Directory, recursive: true);
        GC.SuppressFinalize(this);
    }
}
