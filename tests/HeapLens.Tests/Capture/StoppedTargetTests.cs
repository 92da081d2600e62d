using HeapLens.Tests.Infrastructure;
using HeapLens.Tests.Profiles;
using Xunit;

namespace HeapLens.Tests.Capture;

/// <summary>
/// A SIGSTOPped target accepts a connection on its diagnostics socket and never answers: every wait
/// on it has a deadline, and the message says what is wrong. The target is continued in cleanup.
/// </summary>
public class StoppedTargetTests
{
    [Fact]
    public async Task Snapshot_of_a_stopped_target_gives_up_at_the_timeout_and_says_it_is_stopped()
    {
        using var target = TargetProcess.StartTestTarget();
        target.Send("items 1000");
        using var directory = new TempDirectory();
        await AssertRefusedWhileStoppedAsync(target.Id, directory, TimeSpan.FromSeconds(60),
            "snapshot", "-p", target.Id.ToString(), "-o", "x.heapsnap", "--timeout", "3");
        // Continued, it is captured normally: the lock was released and no session is left.
        var again = HeapLensCli.Run("snapshot", "-p", target.Id.ToString(), "-o", directory.File("after.heapsnap"));
        Assert.True(again.ExitCode == 0, again.StandardError);
    }

    [Fact]
    public async Task Allocs_of_a_stopped_target_gives_up_and_says_it_is_stopped()
    {
        using var target = ChildProcess.StartDll("AllocTarget.dll", "churn", "120");
        await target.WaitForLineAsync("ready", TimeSpan.FromSeconds(30));
        using var directory = new TempDirectory();
        await AssertRefusedWhileStoppedAsync(target.Id, directory, TimeSpan.FromSeconds(90),
            "allocs", "-p", target.Id.ToString(), "-o", "p.pb.gz", "--duration", "2s");
    }

    /// <summary>
    /// Runs heaplens on a SIGSTOPped target: it must give up with one line saying the target is stopped,
    /// and write nothing. The target is continued whatever happens.
    /// </summary>
    private static async Task AssertRefusedWhileStoppedAsync(int pid, TempDirectory directory, TimeSpan limit, params string[] arguments)
    {
        RunningHeapLens.SendSignal(pid, RunningHeapLens.SigStop);
        try
        {
            var result = await HeapLensCli.RunInAsync(directory.Path, limit, arguments);

            Assert.Equal(1, result.ExitCode);
            Assert.Contains($"process {pid} is stopped", result.StandardError);
            OutputFileTests.AssertOneLine(result.StandardError);
            Assert.Empty(Directory.GetFileSystemEntries(directory.Path));
        }
        finally
        {
            RunningHeapLens.SendSignal(pid, RunningHeapLens.SigCont);
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("86401")]
    public void A_timeout_that_is_not_a_positive_number_of_seconds_is_refused(string timeout)
    {
        using var target = TargetProcess.StartTestTarget();
        using var directory = new TempDirectory();

        var result = HeapLensCli.RunIn(directory.Path, "snapshot", "-p", target.Id.ToString(), "--timeout", timeout);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"--timeout: {timeout} is not a number of seconds from 1 to 86400", result.StandardError);
        OutputFileTests.AssertOneLine(result.StandardError);
        Assert.Empty(Directory.GetFileSystemEntries(directory.Path));
    }
}
