using HeapLens.Formats.Pprof;
using HeapLens.Tests.Infrastructure;
using HeapLens.Tests.Profiles;
using Xunit;

namespace HeapLens.Tests.Capture;

/// <summary>
/// A capture ended by a signal at its busiest moment (the raw stream open and filling): nothing is
/// left in the output directory, the target keeps no session (a new snapshot of it is exact), and
/// SIGINT, SIGTERM and SIGHUP all end it the same clean way.
/// </summary>
public class CaptureSignalTests
{
    private const int Items = 2_000_000;

    [Theory]
    [InlineData(RunningHeapLens.SigKill, 137)]
    [InlineData(RunningHeapLens.SigHup, 129)]
    [InlineData(RunningHeapLens.SigTerm, 143)]
    [InlineData(RunningHeapLens.SigInt, 130)]
    public void A_snapshot_ended_by_a_signal_leaves_nothing_behind_and_the_target_capturable(int signal, int exitCode)
    {
        using var target = TargetProcess.StartTestTarget();
        target.Send($"items {Items}");
        using var directory = new TempDirectory();

        using (var capture = new RunningHeapLens(directory.Path, "snapshot", "-p", target.Id.ToString(), "-o", "x.heapsnap"))
        {
            capture.WaitForOpenTrace(TimeSpan.FromMinutes(1));
            capture.Signal(signal);
            var result = capture.WaitForExit(TimeSpan.FromMinutes(1));

            Assert.Equal(exitCode, result.ExitCode);
            if (signal != RunningHeapLens.SigKill)
            {
                Assert.Contains("cancelled by", result.StandardError);
                OutputFileTests.AssertOneLine(result.StandardError);
            }
        }

        Assert.Empty(Directory.GetFileSystemEntries(directory.Path));
        // No session left open in the target, and the lock of a killed heaplens is gone with it.
        var again = HeapLensCli.Run("snapshot", "-p", target.Id.ToString(), "-o", directory.File("after.heapsnap"));
        Assert.True(again.ExitCode == 0, again.StandardError);
        Assert.Equal(Items, SnapshotFile.ItemCount(directory.File("after.heapsnap")));
    }

    [Theory]
    [InlineData(RunningHeapLens.SigTerm)]
    [InlineData(RunningHeapLens.SigHup)]
    [InlineData(RunningHeapLens.SigInt)]
    public async Task Allocs_ended_by_a_signal_writes_the_profile_it_has(int signal)
    {
        using var target = ChildProcess.StartDll("AllocTarget.dll", "churn", "120");
        await target.WaitForLineAsync("ready", TimeSpan.FromSeconds(30));
        using var directory = new TempDirectory();

        using var capture = new RunningHeapLens(directory.Path, "allocs", "-p", target.Id.ToString(), "-o", "p.pb.gz", "-d", "5m");
        // The session's first bytes, not just the open file: the file is opened before the session starts,
        // and a signal during the start (over a second on a loaded machine) rightly leaves nothing to write.
        RawTrace.WaitFor(capture.Id, 1, TimeSpan.FromMinutes(1));
        Thread.Sleep(1000); // some samples to write
        capture.Signal(signal);
        var result = capture.WaitForExit(TimeSpan.FromMinutes(3));

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal([directory.File("p.pb.gz")], Directory.GetFileSystemEntries(directory.Path));
        Assert.Contains(PprofFile.Load(directory.File("p.pb.gz")).Functions, f => f.Name == "System.Byte[]");
    }

    [Fact]
    public async Task Allocs_killed_mid_recording_leaves_no_trace_file()
    {
        using var target = ChildProcess.StartDll("AllocTarget.dll", "churn", "120");
        await target.WaitForLineAsync("ready", TimeSpan.FromSeconds(30));
        using var directory = new TempDirectory();

        using var capture = new RunningHeapLens(directory.Path, "allocs", "-p", target.Id.ToString(), "-o", "p.pb.gz", "-d", "5m");
        capture.WaitForOpenTrace(TimeSpan.FromMinutes(1));
        Thread.Sleep(500);
        capture.Signal(RunningHeapLens.SigKill);
        capture.WaitForExit(TimeSpan.FromMinutes(1));

        Assert.Empty(Directory.GetFileSystemEntries(directory.Path));
    }
}
