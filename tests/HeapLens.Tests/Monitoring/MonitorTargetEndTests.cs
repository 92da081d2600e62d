using System.Diagnostics;
using System.Text.Json;
using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Monitoring;

/// <summary>
/// `heaplens monitor` when its target goes away or stops answering (issue 10, items 4 and 9): the
/// monitor ends with its summary, a complete timeline and exit code 0, never a hang, never a
/// `.partial` left behind. Real GcTarget processes, real signals.
/// </summary>
public sealed class MonitorTargetEndTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly string _directory = Directory.CreateTempSubdirectory("heaplens-monitor-end-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(GcTargetProcess.SigKill)]
    [InlineData(GcTargetProcess.SigTerm)]
    public async Task A_target_killed_mid_run_ends_the_monitor_with_its_summary_and_exit_code_0(int signal)
    {
        using var target = await GcTargetProcess.StartAsync("sawtooth");
        string output = Path.Combine(_directory, "run");
        var monitor = HeapLensCli.RunAsync(Timeout, "monitor", "-p", target.Id.ToString(), "--format", "json", "--out", output);
        await WaitForRecordedGcsAsync(output, monitor, 3);

        target.Signal(signal);
        var run = await monitor;

        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Equal("", run.StandardError);
        using var summary = JsonDocument.Parse(run.StandardOutput);
        var root = summary.RootElement;
        Assert.Equal("target-exited", root.GetProperty("endReason").GetString());
        Assert.Equal(target.Id, root.GetProperty("processId").GetInt32());
        AssertCompleteRun(output, root.GetProperty("gcs").GetInt64(), minimumGcs: 3);
    }

    [Fact]
    public async Task A_target_stopped_mid_run_does_not_keep_the_monitor_past_its_duration_nor_keep_a_session_after_it_resumes()
    {
        using var target = await GcTargetProcess.StartAsync("sawtooth");
        int socketsBefore = target.OpenSockets();
        string output = Path.Combine(_directory, "stopped");
        var monitor = HeapLensCli.RunAsync(Timeout, "monitor", "-p", target.Id.ToString(), "--format", "json", "--out", output,
            "--duration", "4s");
        try
        {
            await WaitForRecordedGcsAsync(output, monitor, 2);
            target.Signal(GcTargetProcess.SigStop);
            // Before the fix, stopping the session waited for the stopped target forever.
            var run = await monitor;

            Assert.True(run.ExitCode == 0, run.StandardError);
            Assert.Equal("", run.StandardError);
            using var summary = JsonDocument.Parse(run.StandardOutput);
            Assert.Equal("duration", summary.RootElement.GetProperty("endReason").GetString());
            AssertCompleteRun(output, summary.RootElement.GetProperty("gcs").GetInt64(), minimumGcs: 2);
        }
        finally
        {
            target.Signal(GcTargetProcess.SigCont);
        }

        // Once it runs again, the target ends the abandoned session (the queued stop request, or
        // its failed write to a closed stream) and goes on working.
        await WaitUntilAsync(() => target.OpenSockets() == socketsBefore, "the target to close the monitor's session");
        int ticks = target.Ticks;
        await WaitUntilAsync(() => target.Ticks > ticks, "the target to work again");
        Assert.False(target.HasExited);
    }

    [Fact]
    public async Task A_target_stopped_before_the_monitor_attaches_is_one_line_on_stderr_not_a_hang()
    {
        using var target = await GcTargetProcess.StartAsync("sawtooth");
        int socketsBefore = target.OpenSockets();
        string output = Path.Combine(_directory, "never");
        target.Signal(GcTargetProcess.SigStop);
        try
        {
            var run = await HeapLensCli.RunAsync(Timeout, "monitor", "-p", target.Id.ToString(), "--out", output, "--duration", "3s");

            Assert.Equal(1, run.ExitCode);
            Assert.Equal($"heaplens: process {target.Id} did not open a GC event session within 10 s (is it stopped, or hung?)",
                run.StandardError.Trim());
            Assert.Equal("", run.StandardOutput);
            Assert.False(Directory.Exists(output));
        }
        finally
        {
            target.Signal(GcTargetProcess.SigCont);
        }
        await WaitUntilAsync(() => target.OpenSockets() == socketsBefore, "the target to close the request it answered late");
        Assert.False(target.HasExited);
    }

    /// <summary>The timeline holds every GC of the summary, under its final name, and the chart is there.</summary>
    private static void AssertCompleteRun(string output, long gcs, int minimumGcs)
    {
        string timeline = Path.Combine(output, "timeline.jsonl");
        Assert.False(File.Exists(timeline + ".partial"));
        Assert.True(gcs >= minimumGcs, $"{gcs} GCs");
        using (var reader = HeapLens.Formats.GcTimeline.GcTimelineReader.Open(timeline))
            Assert.Equal(gcs, reader.ReadAll().Count());
        Assert.True(File.Exists(Path.Combine(output, "timeline.svg")));
    }

    /// <summary>Waits until the monitor has written <paramref name="count"/> GCs to its live timeline.</summary>
    private static async Task WaitForRecordedGcsAsync(string output, Task<CliResult> monitor, int count)
    {
        string partial = Path.Combine(output, "timeline.jsonl.partial");
        await WaitUntilAsync(() =>
        {
            if (monitor.IsCompleted)
                throw new InvalidOperationException($"the monitor ended early: {monitor.Result.StandardError}");
            return File.Exists(partial) && CountLines(partial) > count;
        }, $"{count} GCs in {partial}");
    }

    private static int CountLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        int lines = 0;
        while (reader.ReadLine() is not null)
            lines++;
        return lines;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Timeout)
                throw new TimeoutException($"gave up waiting for {what}");
            await Task.Delay(100);
        }
    }
}
