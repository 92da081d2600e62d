using HeapLens.Collection;
using HeapLens.Monitoring;
using Xunit;
using Xunit.Abstractions;
using HeapLens.Formats.GcTimeline;
using HeapLens.Timelines;

namespace HeapLens.Tests.Monitoring;

/// <summary>
/// The monitor on real processes with a known memory shape. The three runs share one minute (they
/// run side by side) to keep CI short.
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class MonitorVerdictTests(ITestOutputHelper output) : IDisposable
{
    private const double Mb = 1024 * 1024;
    private static readonly TimeSpan RunLength = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("heaplens-monitor-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private sealed record Run(GcTargetProcess Target, MonitorSummary Summary, string Directory);

    private async Task<Run> MonitorAsync(string mode, TriggerOptions triggers, TimeSpan cooldown, int maxCaptures)
    {
        var target = await GcTargetProcess.StartAsync(mode);
        try
        {
            var options = new MonitorOptions
            {
                OutputDirectory = Path.Combine(_directory, mode),
                Duration = RunLength,
                Interval = TimeSpan.FromSeconds(5),
                Triggers = triggers,
                Cooldown = cooldown,
                MaxCaptures = maxCaptures,
            };
            var process = ProcessLocator.Resolve(target.Id, null);
            var monitor = new GcMonitor(process, options, [timeline => new GcTimelineCapture(timeline)]);
            var summary = await monitor.RunAsync(CancellationToken.None);
            output.WriteLine($"{mode}: {summary.Trend.Pattern}, slope {summary.Trend.SlopeBytesPerSecond / Mb:0.00} MB/s, " +
                             $"floor {summary.Trend.FloorBytes / Mb:0.0} MB, swing {summary.Trend.SwingFraction:0.00}, {summary.Gcs} GCs, " +
                             $"{summary.Captures.Count} captures; {summary.Trend.Reason}");
            return new Run(target, summary, options.OutputDirectory);
        }
        catch
        {
            target.Dispose();
            throw;
        }
    }

    [Fact]
    public async Task Tells_a_leak_from_a_flat_cache_and_from_churn_within_a_minute()
    {
        // leak: only the leak-trend trigger, every 20 s at most.
        // flat: the 300 MB cache is always above 100 MB, so the threshold trigger fires once per 25 s cooldown.
        // sawtooth: a threshold that always holds, a 1 s cooldown, but at most 3 captures.
        var runs = await Task.WhenAll(
            MonitorAsync("leak", new TriggerOptions(), TimeSpan.FromSeconds(20), maxCaptures: 10),
            MonitorAsync("flat", new TriggerOptions(ThresholdBytes: 100 * 1024 * 1024), TimeSpan.FromSeconds(25), maxCaptures: 10),
            MonitorAsync("sawtooth", new TriggerOptions(ThresholdBytes: 1), TimeSpan.FromSeconds(1), maxCaptures: 3));
        try
        {
            var (leak, flat, sawtooth) = (runs[0], runs[1], runs[2]);

            Assert.Equal(TrendPattern.RisingFloor, leak.Summary.Trend.Pattern);
            Assert.True(leak.Summary.Trend.Leak);
            // The target says how fast it really retains; the floor must rise about as fast.
            double retained = leak.Target.RetainedGrowthPerSecond();
            Assert.InRange(retained, 1.9 * Mb, 2.1 * Mb);
            Assert.InRange(leak.Summary.Trend.SlopeBytesPerSecond, 0.75 * retained, 1.25 * retained);
            Assert.Contains(leak.Summary.Captures, c => c.Trigger == "leak-trend");

            Assert.Equal(TrendPattern.Flat, flat.Summary.Trend.Pattern);
            Assert.False(flat.Summary.Trend.Leak);
            Assert.True(flat.Summary.Trend.FloorBytes >= 300 * Mb);
            Assert.DoesNotContain(flat.Summary.Captures, c => c.Trigger == "leak-trend");

            Assert.Equal(TrendPattern.Sawtooth, sawtooth.Summary.Trend.Pattern);
            Assert.False(sawtooth.Summary.Trend.Leak);
            Assert.DoesNotContain(sawtooth.Summary.Captures, c => c.Trigger == "leak-trend");

            foreach (var run in runs)
            {
                Assert.Equal(MonitorEndReason.Duration, run.Summary.EndReason);
                Assert.Equal(0, run.Summary.EventsLost);
                AssertCapturesOnDisk(run);
                AssertTimelineSaysTheSame(run.Summary);
            }
            AssertOncePerCooldown(leak.Summary.Captures, "leak-trend", 20);
            AssertOncePerCooldown(flat.Summary.Captures, "threshold", 25);
            // Condition true all minute: 60 s / 25 s cooldown gives two or three captures.
            Assert.InRange(flat.Summary.Captures.Count, 2, 3);
            Assert.Equal(3, sawtooth.Summary.Captures.Count);
        }
        finally
        {
            foreach (var run in runs)
                run.Target.Dispose();
        }
    }

    private static void AssertOncePerCooldown(IReadOnlyList<CaptureRecord> captures, string trigger, double cooldownSeconds)
    {
        var times = captures.Where(c => c.Trigger == trigger).Select(c => c.Seconds).ToList();
        for (int i = 1; i < times.Count; i++)
            Assert.True(times[i] - times[i - 1] >= cooldownSeconds, $"{trigger} fired {times[i] - times[i - 1]:0.0} s after the previous capture");
    }

    /// <summary>
    /// The recorded timeline, analysed offline as `trend` does, gives the live verdict from the same
    /// floor; only the timeline's rounding of times (4 decimals) may move a point a hair.
    /// </summary>
    private static void AssertTimelineSaysTheSame(MonitorSummary summary)
    {
        var history = new GcHistory();
        using (var reader = GcTimelineReader.Open(summary.TimelinePath))
        {
            foreach (var gc in reader.ReadAll())
                history.Add(gc);
        }
        var offline = TrendAnalyzer.Analyze(history);
        var live = summary.Trend;
        Assert.Equal(live.Pattern, offline.Pattern);
        Assert.Equal(live.Source, offline.Source);
        Assert.Equal(live.FloorPoints.Count, offline.FloorPoints.Count);
        Assert.Equal(live.FloorBytes, offline.FloorBytes, tolerance: 0.01 * live.FloorBytes);
        Assert.Equal(live.SlopeBytesPerSecond, offline.SlopeBytesPerSecond, tolerance: 0.01 * Math.Abs(live.SlopeBytesPerSecond) + 1);
    }

    private static void AssertCapturesOnDisk(Run run)
    {
        // The timeline is complete, the captures are timelines, and the log has one line per capture.
        using (var reader = GcTimelineReader.Open(run.Summary.TimelinePath))
            Assert.Equal(run.Summary.Gcs, reader.ReadAll().Count());
        Assert.False(File.Exists(run.Summary.TimelinePath + ".partial"));
        foreach (var capture in run.Summary.Captures)
        {
            Assert.Null(capture.Error);
            Assert.NotNull(capture.Path);
            Assert.Equal(run.Directory, Path.GetDirectoryName(capture.Path));
            Assert.Contains(capture.Trigger, Path.GetFileName(capture.Path));
            using var reader = GcTimelineReader.Open(capture.Path!);
            Assert.Equal(run.Target.Id, reader.Header.ProcessId);
        }
        if (run.Summary.Captures.Count > 0)
            Assert.Equal(run.Summary.Captures.Count, File.ReadAllLines(run.Summary.CaptureLogPath!).Length);
        Assert.Empty(Directory.GetFiles(run.Directory, "*.tmp"));
    }
}
