using HeapLens.Tests.Infrastructure;
using System.Runtime.CompilerServices;
using HeapLens.Monitoring;
using Xunit;
using HeapLens.Timelines;
using HeapLens.Formats.GcTimeline;

namespace HeapLens.Tests.Monitoring;

/// <summary>
/// Timelines recorded from the real GcTarget modes (testdata/*.timeline.jsonl): the offline
/// analysis must keep its verdicts, and the `trend` reports must keep their shape (golden files;
/// set HEAPLENS_UPDATE_GOLDEN=1 to rewrite them after an intended change).
/// </summary>
public class TrendGoldenTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("leak", TrendPattern.RisingFloor)]
    [InlineData("flat", TrendPattern.Flat)]
    [InlineData("sawtooth", TrendPattern.Sawtooth)]
    // The flat target on a machine where the runtime's gen0 budget was 2 MB: 1034 GCs in a minute,
    // promoted requests piling up in gen1 for 57 s until a full GC. It was called a leak.
    [InlineData("flat-small-gen0-budget", TrendPattern.Flat)]
    public void Recorded_timelines_keep_their_verdicts(string mode, TrendPattern expected)
    {
        var history = new GcHistory();
        using (var reader = GcTimelineReader.Open(Path.Combine(AppContext.BaseDirectory, "Monitoring", "testdata", $"{mode}.timeline.jsonl")))
        {
            foreach (var gc in reader.ReadAll())
                history.Add(gc);
        }
        Assert.Equal(expected, TrendAnalyzer.Analyze(history).Pattern);
    }

    [Theory]
    [InlineData("leak", "text")]
    [InlineData("flat", "json")]
    public async Task Trend_reports_match_their_golden_files(string mode, string format)
    {
        string timeline = Path.Combine("Monitoring", "testdata", $"{mode}.timeline.jsonl");
        var run = await HeapLensCli.RunInAsync(AppContext.BaseDirectory, Timeout, "trend", timeline, "--no-chart", "--format", format);
        Assert.True(run.ExitCode == 0, run.StandardError);
        string name = $"{mode}.trend.{(format == "json" ? "json" : "txt")}";
        string actual = Normalize(run.StandardOutput);
        // An update rewrites the source golden; the comparison is always with the copy the build
        // put next to the tests, so an update cannot pass by comparing with what it just wrote.
        if (Environment.GetEnvironmentVariable("HEAPLENS_UPDATE_GOLDEN") == "1")
            File.WriteAllText(Path.Combine(SourceDirectory(), "testdata", name), actual);
        Assert.Equal(Normalize(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Monitoring", "testdata", name))), actual);
    }

    // Spectre pads grid rows to the widest; the padding is not part of the report.
    private static string Normalize(string text) =>
        string.Join('\n', text.ReplaceLineEndings("\n").Split('\n').Select(line => line.TrimEnd())).TrimEnd() + "\n";

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
