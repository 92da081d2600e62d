using System.Text;
using HeapLens.Formats.GcTimeline;
using HeapLens.Snapshots;
using HeapLens.Tests.Infrastructure;
using HeapLens.Timelines;
using Xunit;

namespace HeapLens.Tests.Monitoring;

/// <summary>
/// The GC timeline reader and writer at their edges, on files written byte by byte: line endings,
/// the longest line, each field's plausible range, the header's checks and the writer's rounding.
/// </summary>
public sealed class GcTimelineReadTests : IDisposable
{
    private const string Header = """{"format":"heaplens-gc-timeline","version":1,"processId":7,"processName":"App","startTime":"2026-11-25T15:08:35+02:00"}""";

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    /// <summary>A record with every field 1 (t and gc: <paramref name="number"/>) but the one replaced.</summary>
    private static string Record(int number = 1, string? field = null, string? value = null)
    {
        var fields = new Dictionary<string, string>
        {
            ["gc"] = $"{number}", ["t"] = $"{number}", ["gen"] = "1", ["reason"] = "\"AllocSmall\"", ["kind"] = "\"NonConcurrentGC\"",
            ["pauseMs"] = "1", ["before"] = "1", ["after"] = "5", ["gen0"] = "1", ["gen1"] = "1", ["gen2"] = "1", ["loh"] = "1",
            ["poh"] = "1", ["promoted"] = "1", ["fragmentation"] = "1", ["allocated"] = "1", ["allocRate"] = "1",
        };
        if (field is not null)
            fields[field] = value!;
        return "{" + string.Join(",", fields.Select(f => $"\"{f.Key}\":{f.Value}")) + "}";
    }

    private string Saved(string text)
    {
        string path = _directory.File("t.jsonl");
        File.WriteAllText(path, text);
        return path;
    }

    private static List<GcEvent> Read(string path)
    {
        using var reader = GcTimelineReader.Open(path);
        return reader.ReadAll().ToList();
    }

    private static string Refusal(string path) => Assert.Throws<HeapLensException>(() => Read(path)).Message;

    [Fact]
    public void Lines_end_in_lf_cr_or_crlf_blank_ones_are_skipped_and_the_last_needs_no_end()
    {
        string path = Saved(Header + "\r\n" + Record(1) + "\r" + Record(2) + "\n\n" + Record(3) + "\r\n\r\n" + Record(4));
        Assert.Equal([1L, 2L, 3L, 4L], Read(path).Select(g => g.Number));
        using var reader = GcTimelineReader.Open(path);
        Assert.Equal(new GcTimelineHeader(7, "App", new DateTime(2026, 11, 25, 13, 8, 35, DateTimeKind.Utc)), reader.Header);
        Assert.Equal(DateTimeKind.Utc, reader.Header.StartTimeUtc.Kind);
    }

    [Fact]
    public void A_line_of_exactly_the_longest_length_is_read_and_one_more_character_is_refused()
    {
        string record = Record();
        string longest = record[..^1] + new string(' ', GcTimelineReader.MaxLineLength - record.Length) + "}";
        Assert.Equal(GcTimelineReader.MaxLineLength, longest.Length);
        Assert.Single(Read(Saved(Header + "\n" + longest + "\n")));
        Assert.EndsWith("t.jsonl: line 2 is longer than 64 KB; this is not a HeapLens GC timeline",
            Refusal(Saved(Header + "\n" + longest.Insert(1, " ") + "\n")));
    }

    [Theory]
    [InlineData("gen0")]
    [InlineData("gen1")]
    [InlineData("gen2")]
    [InlineData("loh")]
    [InlineData("poh")]
    [InlineData("before")]
    [InlineData("promoted")]
    [InlineData("fragmentation")]
    [InlineData("allocated")]
    public void Every_size_is_read_from_zero_to_the_largest_heap_and_refused_beyond(string field)
    {
        Assert.Single(Read(Saved(Header + "\n" + Record(1, field, "0") + "\n")));
        Assert.Single(Read(Saved(Header + "\n" + Record(1, field, $"{HeapSnapshot.MaxHeapBytes}") + "\n")));
        foreach (string impossible in new[] { "-1", $"{HeapSnapshot.MaxHeapBytes + 1}" })
            Assert.EndsWith("t.jsonl: line 2 holds impossible values (negative or beyond any heap)",
                Refusal(Saved(Header + "\n" + Record(1, field, impossible) + "\n")));
    }

    [Fact]
    public void A_pause_may_be_zero_but_not_negative()
    {
        Assert.Equal(0, Read(Saved(Header + "\n" + Record(1, "pauseMs", "0") + "\n")).Single().PauseMilliseconds);
        Assert.Contains("line 3 holds impossible values", Refusal(Saved(Header + "\n" + Record(1) + "\n" + Record(2, "pauseMs", "-0.5") + "\n")));
    }

    [Theory]
    [InlineData("   \n", "is empty, not a HeapLens GC timeline")]
    [InlineData("{\"format\":1}\n", "is not a HeapLens GC timeline (its first line must be a \"heaplens-gc-timeline\" header)")]
    [InlineData("{\"format\":\"heaplens-gc-timeline\",\"processId\":1}\n", "is not a HeapLens GC timeline (its first line must be a \"heaplens-gc-timeline\" header)")]
    [InlineData("{\"format\":\"heaplens-gc-timeline\",\"version\":2,\"processId\":1}\n", "is a version 2 GC timeline; this HeapLens reads version 1")]
    public void A_header_that_is_not_ours_is_refused_with_why(string header, string why) =>
        Assert.EndsWith("t.jsonl " + why, Refusal(Saved(header)));

    [Fact]
    public void Files_that_are_not_there_or_empty_or_not_text_say_so_in_one_line()
    {
        string empty = Saved("");
        Assert.Equal($"{empty} is empty (or not a regular file), not a HeapLens GC timeline", Refusal(empty));
        string missing = _directory.File("no/such/dir/t.jsonl");
        Assert.Equal($"{missing}: no such file", Refusal(missing));
        string path = _directory.File("t.jsonl");
        File.WriteAllBytes(path, [.. Encoding.UTF8.GetBytes(Header + "\n" + Record() + "\n"), 0xc3, 0x28, (byte)'\n']);
        Assert.Equal($"{path}: line 3 is not text; this is not a HeapLens GC timeline", Refusal(path));
        Assert.Equal($"{path}: line 2 is not a complete GC record (is the file cut off?)", Refusal(Saved(Header + "\n" + Record()[..^1] + "\n")));
    }

    [Fact]
    public void Line_numbers_count_a_crlf_as_one_line_end()
    {
        string path = Saved(Header + "\r\n" + Record(1) + "\r\n" + Record(2)[..^1] + "\r\n");
        Assert.Equal($"{path}: line 3 is not a complete GC record (is the file cut off?)", Refusal(path));
    }

    [Fact]
    public void Null_names_read_as_empty()
    {
        string path = Saved(Header.Replace("\"App\"", "null") + "\n" + Record(1, "reason", "null").Replace("\"NonConcurrentGC\"", "null") + "\n");
        using var reader = GcTimelineReader.Open(path);
        Assert.Equal("", reader.Header.ProcessName);
        var gc = Assert.Single(reader.ReadAll());
        Assert.Equal("", gc.Reason);
        Assert.Equal("", gc.Kind);
    }

    [Fact]
    public void A_refused_header_leaves_the_file_closed()
    {
        string path = Saved("{\"format\":1}\n");
        Refusal(path);
        // The reader's handle, if left open, would be here until a finalizer ran.
        Assert.DoesNotContain(path, new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos().Select(fd => fd.LinkTarget));
    }

    [Fact]
    public void Names_beyond_ascii_are_written_escaped_so_a_raw_replacement_character_means_bytes_that_were_not_utf8()
    {
        string path = _directory.File("w.jsonl");
        using (var writer = new GcTimelineWriter(File.Create(path), new GcTimelineHeader(7, "Dienst\uFFFDß", DateTime.UnixEpoch)))
            writer.Write(new GcEvent(1, 1, 0, "Grüße", "k", 0, 0, default, 0, 0, 0, 0));
        Assert.All(File.ReadAllBytes(path), b => Assert.True(b < 0x80));
        using var reader = GcTimelineReader.Open(path);
        Assert.Equal("Dienst\uFFFDß", reader.Header.ProcessName);
        Assert.Equal("Grüße", reader.ReadAll().Single().Reason);
    }

    [Fact]
    public void The_writer_rounds_time_pause_and_rate_and_the_reader_reads_what_it_wrote()
    {
        string path = _directory.File("w.jsonl");
        var gc = new GcEvent(3, 1.234567, 2, "Induced", "BackgroundGC", 0.1234567, 100, new GenerationSizes(1, 2, 3, 4, 5), 6, 7, 8, 12.3456);
        using (var writer = new GcTimelineWriter(File.Create(path), new GcTimelineHeader(7, "App", new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Unspecified))))
            writer.Write(gc);
        string[] lines = File.ReadAllLines(path);
        Assert.Equal("""{"format":"heaplens-gc-timeline","version":1,"processId":7,"processName":"App","startTime":"2026-01-01T00:00:00Z"}""", lines[0]);
        Assert.Equal("""{"gc":3,"t":1.2346,"gen":2,"reason":"Induced","kind":"BackgroundGC","pauseMs":0.123,"before":100,"after":15,"gen0":1,"gen1":2,"gen2":3,"loh":4,"poh":5,"promoted":6,"fragmentation":7,"allocated":8,"allocRate":12.3}""", lines[1]);
        Assert.Equal(gc with { Seconds = 1.2346, PauseMilliseconds = 0.123, AllocationRate = 12.3 }, Read(path).Single());
    }
}
