using HeapLens.Monitoring;
using Xunit;
using HeapLens.Timelines;
using HeapLens.Formats.GcTimeline;

namespace HeapLens.Tests.Monitoring;

public sealed class GcTimelineFormatTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("heaplens-timeline-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static readonly GcTimelineHeader Header = new(4242, "Service", new DateTime(2026, 11, 25, 13, 0, 0, DateTimeKind.Utc));

    private static GcEvent Sample(long number) => new(number, number * 0.5, (int)(number % 3), "AllocSmall", "NonConcurrentGC",
        0.25 * number, 30_000_000 + number, new GenerationSizes(1, 2_000_000, 3_000_000 + number, 400_000, 8_000),
        1_500_000, 12_345, 25_000_000, 50_000_000.5);

    private string Write(int count)
    {
        string path = Path.Combine(_directory, "timeline.jsonl");
        using var writer = new GcTimelineWriter(File.Create(path), Header);
        for (int i = 1; i <= count; i++)
            writer.Write(Sample(i));
        return path;
    }

    [Fact]
    public void Round_trips_every_field()
    {
        string path = Write(5);
        using var reader = GcTimelineReader.Open(path);
        Assert.Equal(Header, reader.Header);
        var read = reader.ReadAll().ToList();
        Assert.Equal(Enumerable.Range(1, 5).Select(i => Sample(i)), read);
    }

    [Fact]
    public void Every_line_is_one_json_object()
    {
        string[] lines = File.ReadAllLines(Write(3));
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("{\"format\":\"heaplens-gc-timeline\",\"version\":1,", lines[0]);
        Assert.All(lines, l => Assert.True(l.StartsWith('{') && l.EndsWith('}')));
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("{\"format\":\"something-else\"}\n", "is not a HeapLens GC timeline")]
    [InlineData("hello world\n", "is not a HeapLens GC timeline")]
    [InlineData("[1,2,3]\n", "is not a HeapLens GC timeline")]
    [InlineData("{\"format\":\"heaplens-gc-timeline\",\"version\":9,\"processId\":1,\"processName\":\"x\",\"startTime\":\"2026-01-01T00:00:00Z\"}\n", "version 9")]
    public void Refuses_what_is_not_a_timeline(string content, string expected)
    {
        string path = Path.Combine(_directory, "bad.jsonl");
        File.WriteAllText(path, content);
        var e = Assert.Throws<HeapLensException>(() => { using var reader = GcTimelineReader.Open(path); reader.ReadAll().ToList(); });
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Refuses_binary_files()
    {
        string path = Path.Combine(_directory, "binary.jsonl");
        File.WriteAllBytes(path, [0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0xc3, 0x28, 0x0a]);
        var e = Assert.Throws<HeapLensException>(() => GcTimelineReader.Open(path).Dispose());
        // It names the file and says what it is not (the gzip magic and invalid UTF-8 are on line 1).
        Assert.StartsWith($"{path}: line 1 ", e.Message);
        Assert.EndsWith("not a HeapLens GC timeline", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Names_the_line_where_a_truncated_file_breaks_off()
    {
        string path = Write(3);
        string text = File.ReadAllText(path);
        File.WriteAllText(path, text[..^40]);
        using var reader = GcTimelineReader.Open(path);
        var e = Assert.Throws<HeapLensException>(() => reader.ReadAll().ToList());
        Assert.Contains("line 4", e.Message);
    }

    [Fact]
    public void A_missing_file_is_a_one_line_error()
    {
        var e = Assert.Throws<HeapLensException>(() => GcTimelineReader.Open(Path.Combine(_directory, "nope.jsonl")));
        Assert.Contains("no such file", e.Message);
    }

    [Fact]
    public void The_recorder_writes_under_a_partial_name_until_complete_and_copies_on_demand()
    {
        string path = Path.Combine(_directory, "live.jsonl");
        using var recorder = GcTimelineRecorder.Create(path, Header);
        recorder.Record(Sample(1));
        Assert.False(File.Exists(path));
        Assert.True(File.Exists(path + ".partial"));

        string copy = Path.Combine(_directory, "copy.jsonl");
        recorder.CopyTo(copy);
        recorder.Record(Sample(2));
        recorder.Complete();

        Assert.False(File.Exists(path + ".partial"));
        Assert.False(File.Exists(copy + ".tmp"));
        using (var reader = GcTimelineReader.Open(copy))
            Assert.Single(reader.ReadAll());
        using (var reader = GcTimelineReader.Open(path))
            Assert.Equal(2, reader.ReadAll().Count());
    }
}

public sealed class CaptureNamingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("heaplens-names-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Two_captures_in_the_same_second_get_different_names()
    {
        string stem = Path.Combine(_directory, "20261125-130000-threshold");
        Assert.Equal(stem, GcMonitor.UniqueStem(stem));
        File.WriteAllText(stem + ".gctimeline.jsonl", "");
        Assert.Equal(stem + "-2", GcMonitor.UniqueStem(stem));
        File.WriteAllText(stem + "-2.heapsnap", "");
        Assert.Equal(stem + "-3", GcMonitor.UniqueStem(stem));
    }
}
