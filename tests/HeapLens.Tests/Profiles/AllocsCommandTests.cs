using Xunit;
using HeapLens.Formats.Pprof;
using HeapLens.Tests.Capture;
using HeapLens.Tests.Infrastructure;

namespace HeapLens.Tests.Profiles;

/// <summary>`heaplens allocs` on processes that are gone, go away, or arguments that make no sense.</summary>
public sealed class AllocsCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("heaplens-allocs-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_dead_process_is_one_line_and_exit_code_1()
    {
        int pid;
        using (var target = ChildProcess.StartDll("AllocTarget.dll", "churn", "0"))
        {
            pid = target.Id;
            target.WaitForExit(TimeSpan.FromSeconds(30));
        }
        var (exit, _, stderr) = ChildProcess.RunHeapLens("allocs", "-p", $"{pid}", "-o", Path.Combine(_directory, "p.pb.gz"));
        Assert.Equal(1, exit);
        Assert.Equal($"heaplens: no process with id {pid} is running", stderr.Trim());
        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Theory]
    [InlineData("--duration", "soon", "is not a duration")]
    [InlineData("--from", "x.nettrace", "not both")]
    public void Nonsense_arguments_are_one_line(string option, string value, string message)
    {
        var (exit, _, stderr) = ChildProcess.RunHeapLens("allocs", "-p", $"{Environment.ProcessId}", option, value);
        Assert.Equal(1, exit);
        Assert.Contains(message, stderr);
        Assert.Single(stderr.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task A_target_that_exits_mid_capture_still_gives_a_profile_and_a_warning()
    {
        using var target = ChildProcess.StartDll("AllocTarget.dll", "churn", "600");
        await target.WaitForLineAsync("ready", TimeSpan.FromSeconds(30));
        string output = Path.Combine(_directory, "exit.pb.gz");
        using var capture = new RunningHeapLens(_directory, "allocs", "-p", $"{target.Id}", "-o", output, "--duration", "2m");
        // The target ends once the session streams, however long a loaded machine took to open it.
        RawTrace.WaitFor(capture.Id, 1, TimeSpan.FromMinutes(1));
        Thread.Sleep(1000); // some samples to write
        target.Interrupt();
        var (exit, stdout, stderr) = capture.WaitForExit(TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, stderr);
        Assert.Contains("the process exited during the capture", stdout);
        // What was recorded is written as alloc; inuse needs the heap walk at the window's end, and says so.
        Assert.Contains("warning: inuse is unavailable: the process exited during the window", stdout);
        var profile = PprofFile.Load(output);
        Assert.Equal(["alloc_objects", "alloc_space"], profile.SampleTypes.Select(t => t.Type));
        Assert.Contains(profile.Comments, c => c.StartsWith("inuse unavailable: the process exited during the window", StringComparison.Ordinal));
        Assert.Contains(profile.Functions, f => f.Name == "System.Byte[]"); // types resolve without rundown
        Assert.Equal([output], Directory.GetFiles(_directory));
    }

    [Fact]
    public async Task No_inuse_records_allocations_only()
    {
        using var target = ChildProcess.StartDll("AllocTarget.dll", "churn", "60");
        await target.WaitForLineAsync("ready", TimeSpan.FromSeconds(30));
        string output = Path.Combine(_directory, "alloc-only.pb.gz");
        var (exit, stdout, stderr) = ChildProcess.RunHeapLens("allocs", "-p", $"{target.Id}", "-o", output, "--duration", "2s", "--no-inuse");
        Assert.True(exit == 0, stderr);
        Assert.DoesNotContain("still alive", stdout);
        Assert.DoesNotContain("inuse", stdout);
        var profile = PprofFile.Load(output);
        Assert.Equal(["alloc_objects", "alloc_space"], profile.SampleTypes.Select(t => t.Type));
        Assert.DoesNotContain(profile.Comments, c => c.StartsWith("inuse", StringComparison.Ordinal));
    }
}
