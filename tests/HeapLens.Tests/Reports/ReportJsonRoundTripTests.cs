using System.Text.Json;
using System.Text.RegularExpressions;
using HeapLens.Cli.Views;
using HeapLens.Collection;
using HeapLens.Formats.GcTimeline;
using HeapLens.Monitoring;
using HeapLens.Reports;
using HeapLens.Tests.Profiles;
using HeapLens.Timelines;
using Spectre.Console;
using Xunit;

namespace HeapLens.Tests.Reports;

/// <summary>
/// A report's JSON is all a view needs: the web UI will render the models from their JSON, so every
/// text view (and the chart) drawn from a model read back from its JSON must equal the one drawn
/// from the model itself, byte for byte.
/// </summary>
public sealed class ReportJsonRoundTripTests
{
    private static readonly HeapLens.Profiles.Profile Profile = PprofFormatTests.SmallProfile();

    [Fact]
    public void Profile_top() => AssertViewsAgree(
        ProfileTopReport.Create("small.pb.gz", Profile, null, byCum: true, rows: 3), ProfileTopView.Write);

    [Fact]
    public void Profile_traces() => AssertViewsAgree(
        ProfileTracesReport.Create("small.pb.gz", Profile, "alloc_objects", 10), ProfileTracesView.Write);

    [Fact]
    public void Profile_list_with_its_source_lines() => AssertViewsAgree(
        ProfileListReport.Create("small.pb.gz", Profile, new Regex("Worker"),
            _ => Enumerable.Range(1, 60).Select(i => $"    source line {i}").ToArray()),
        ProfileListView.Write);

    [Fact]
    public void Allocs_summary() => AssertViewsAgree(
        AllocsReport.Create(new AllocationConversion(Profile, AllocationEventKind.AllocationSampled, 3, 7, HasRundown: false), "out.pb.gz", false),
        AllocsView.Write);

    [Fact]
    public void Allocs_summary_with_inuse() => AssertViewsAgree(
        AllocsReport.Create(new AllocationConversion(Profile, AllocationEventKind.AllocationSampled, 3, 0, HasRundown: true)
        {
            Inuse = new InuseSummary(WalkGc: 12, GcsFollowed: 11, Tracked: 100, Confirmed: 97, HeapObjects: 5000, Problem: null) { MovementEvents = 400 },
        }, "out.pb.gz", false),
        AllocsView.Write);

    [Fact]
    public void Trend_text_and_chart()
    {
        var (header, history) = Recorded("leak");
        var report = TrendReport.Create("leak.timeline.jsonl", header, history, new TrendOptions(), "leak.svg");
        Assert.Equal(TrendPattern.RisingFloor, report.Pattern);
        Assert.Equal(history.Buckets.Count, report.History.Count);
        var read = AssertViewsAgree(report, TrendView.Write);
        Assert.Equal(Chart(report.History, report.Trend), Chart(read.History, read.Trend));
    }

    [Fact]
    public void Monitor_summary_text_and_chart()
    {
        var (header, history) = Recorded("flat");
        var trend = TrendAnalyzer.Analyze(history);
        var captures = new[]
        {
            new CaptureRecord(new DateTime(2026, 11, 25, 13, 9, 10, DateTimeKind.Utc), 35.25, "threshold", "heap 300 MB > 200 MB", "timeline", "run/a.gctimeline.jsonl", null),
            new CaptureRecord(new DateTime(2026, 11, 25, 13, 9, 40, DateTimeKind.Utc), 65.5, "growth", "floor +60%", "snapshot", null, "the target exited"),
        };
        var summary = new MonitorSummary(header.ProcessId, header.ProcessName, MonitorEndReason.TargetExited, 61.26,
            history.Count, history.FullCount, 300_000_000, trend, history, "run/timeline.jsonl", "run/captures.jsonl", captures, 3);
        var report = MonitorReport.Create(summary, "run/timeline.svg");
        Assert.Equal(history.Last!.HeapAfter, report.HeapAfterLastGcBytes);
        Assert.Equal(history.Last.HeapAfter, report.LastGc!.HeapAfterBytes);
        var read = AssertViewsAgree(report, MonitorView.Write);
        Assert.Equal(Chart(report.History, report.Trend), Chart(read.History, read.Trend));
    }

    private static string Chart(IReadOnlyList<GcBucketRow> history, FloorTrend trend) => HeapLens.Charts.TimelineSvg.Render(history, trend, "chart");

    private static (GcTimelineHeader, GcHistory) Recorded(string mode)
    {
        var history = new GcHistory();
        using var reader = GcTimelineReader.Open(Path.Combine(AppContext.BaseDirectory, "Monitoring", "testdata", $"{mode}.timeline.jsonl"));
        foreach (var gc in reader.ReadAll())
            history.Add(gc);
        return (reader.Header, history);
    }

    /// <summary>Writes the view of the report and of the report read back from its JSON; returns the one read back.</summary>
    private static T AssertViewsAgree<T>(T report, Action<T, IAnsiConsole> view)
    {
        string json = ReportJson.Serialize(report);
        var read = JsonSerializer.Deserialize<T>(json, ReportJson.Options)!;
        Assert.Equal(json, ReportJson.Serialize(read));
        string expected = Text(report, view);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, Text(read, view));
        return read;
    }

    private static string Text<T>(T report, Action<T, IAnsiConsole> view)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
        });
        console.Profile.Width = 4096;
        view(report, console);
        return writer.ToString();
    }
}
