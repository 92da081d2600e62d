using HeapLens.Collection;
using HeapLens.Monitoring;
using Xunit;

namespace HeapLens.Tests.Monitoring;

public sealed class MonitorCaptureFailureTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("heaplens-capture-fail-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private sealed class FailingCapture(Exception failure) : ICaptureAction
    {
        public string Kind => "failing";
        public Task<string> CaptureAsync(int processId, string outputPathWithoutExtension, CancellationToken cancellationToken) =>
            Task.FromException<string>(failure);
    }

    [Fact]
    public async Task A_failing_capture_is_logged_and_the_monitor_keeps_watching_until_the_target_exits()
    {
        using var target = await GcTargetProcess.StartAsync("sawtooth", "--exit-after", "7");
        var options = new MonitorOptions
        {
            OutputDirectory = _directory,
            Interval = TimeSpan.FromSeconds(1),
            Triggers = new TriggerOptions(ThresholdBytes: 1),
            Cooldown = TimeSpan.FromSeconds(2),
            MaxCaptures = 2,
        };
        CaptureFactory[] captures =
        [
            _ => new FailingCapture(new HeapLensException("process went away")),
            _ => new FailingCapture(new InvalidOperationException("bug in a capture")),
            timeline => new GcTimelineCapture(timeline),
        ];
        var summary = await new GcMonitor(ProcessLocator.Resolve(target.Id, null), options, captures)
            .RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(MonitorEndReason.TargetExited, summary.EndReason);
        // Two firings (the cap), three actions each, in order.
        Assert.Equal(6, summary.Captures.Count);
        Assert.Equal(["failing", "failing", "timeline", "failing", "failing", "timeline"], summary.Captures.Select(c => c.Kind));
        Assert.Equal("process went away", summary.Captures[0].Error);
        Assert.Equal("InvalidOperationException: bug in a capture", summary.Captures[1].Error);
        Assert.Null(summary.Captures[2].Error);
        Assert.True(File.Exists(summary.Captures[2].Path));
        Assert.Equal(6, File.ReadAllLines(summary.CaptureLogPath!).Length);
        Assert.True(summary.Gcs > 0);
        Assert.True(File.Exists(summary.TimelinePath));
    }
}
