using HeapLens.Formats.GcTimeline;
using HeapLens.Monitoring;
using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Hostile;

/// <summary>The GC timeline reader against files that are not timelines: one HeapLensException, memory bounded by a line.</summary>
public sealed class GcTimelineLimitsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private const string Header = """{"format":"heaplens-gc-timeline","version":1,"processId":1,"processName":"App","startTime":"2026-11-25T13:08:35Z"}""";

    private static string Record(string gen0 = "1", string t = "0.5") =>
        $$"""{"gc":6,"t":{{t}},"gen":1,"reason":"AllocSmall","kind":"NonConcurrentGC","pauseMs":0.5,"before":100,"after":90,"gen0":{{gen0}},"gen1":2,"gen2":3,"loh":4,"poh":5,"promoted":6,"fragmentation":7,"allocated":8,"allocRate":9}""";

    private static (HeapLensException Error, long AllocatedBytes) ReadFails(string path)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<HeapLensException>(() =>
        {
            using var reader = GcTimelineReader.Open(path);
            _ = reader.ReadAll().ToList();
        });
        return (error, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_sparse_file_is_refused_after_one_line_of_zeros()
    {
        // trend on a 3 GB sparse file used 8.4 GB, then an internal error.
        string path = _directory.File("sparse.jsonl");
        using (var file = File.Create(path))
            file.SetLength(256L << 20);
        var (error, allocated) = ReadFails(path);
        Assert.Contains("line 1 is longer than 64 KB", error.Message);
        Assert.True(allocated < 4 << 20, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void A_long_record_line_is_refused_with_its_number()
    {
        string path = _directory.File("long.jsonl");
        File.WriteAllText(path, Header + "\n" + Record() + "\n" + new string(' ', 100_000) + Record() + "\n");
        Assert.Contains("line 3 is longer than 64 KB", ReadFails(path).Error.Message);
    }

    [Theory]
    [InlineData("-1", "0.5")]                    // negative generation size
    [InlineData("9223372036854775807", "0.5")]   // sums of sizes would overflow
    public void Impossible_values_are_refused(string gen0, string t)
    {
        string path = _directory.File("bad.jsonl");
        File.WriteAllText(path, Header + "\n" + Record(gen0, t) + "\n");
        Assert.Contains("line 2 holds impossible values", ReadFails(path).Error.Message);
    }

    [Fact]
    public void Names_in_a_timeline_are_made_safe_to_print()
    {
        string path = _directory.File("names.jsonl");
        File.WriteAllText(path, Header.Replace("\"App\"", "\"App\\u001b[2J\\nFake\"") + "\n" + Record().Replace("AllocSmall", "Alloc\\u202eSmall") + "\n");
        using var reader = GcTimelineReader.Open(path);
        Assert.Equal("App\\x1B[2J\\x0AFake", reader.Header.ProcessName);
        Assert.Equal("Alloc\\u202ESmall", reader.ReadAll().Single().Reason);
    }

    [Fact]
    public async Task A_fifo_is_refused_without_blocking()
    {
        string fifo = _directory.File("fifo.jsonl");
        Assert.Equal(0, PprofLimitsTests.Mkfifo(fifo));
        var error = await Task.Run(() => ReadFails(fifo).Error).WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Contains("not a regular file", error.Message);
    }
}
