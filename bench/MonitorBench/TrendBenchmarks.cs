using BenchmarkDotNet.Attributes;
using HeapLens.Monitoring;
using HeapLens.Timelines;
using HeapLens.Formats.GcTimeline;

namespace HeapLens.MonitorBench;

[ShortRunJob]
[MemoryDiagnoser]
[JsonExporterAttribute.Brief]
public class TrendBenchmarks
{
    private const int GcsPerRun = 100_000;
    private GcEvent[] _gcs = [];
    private GcHistory _envelopeHistory = null!;
    private GcHistory _fullGcHistory = null!;

    [GlobalSetup]
    public void Setup()
    {
        // A day of GCs, one a second, every 4th one full: coarsened to the history's 512 buckets.
        _gcs = Timeline(count: GcsPerRun, fullEvery: 0);
        _envelopeHistory = Fill(Timeline(86_400, fullEvery: 0));
        _fullGcHistory = Fill(Timeline(86_400, fullEvery: 4));
    }

    private static GcEvent[] Timeline(int count, int fullEvery)
    {
        var random = new Random(7);
        var gcs = new GcEvent[count];
        for (int i = 0; i < count; i++)
        {
            bool full = fullEvery > 0 && i % fullEvery == 0;
            long after = 200_000_000 + 1_000 * i + random.Next(5_000_000);
            gcs[i] = new GcEvent(i + 1, i, full ? 2 : 0, "AllocSmall", "NonConcurrentGC", 0.4, after + 30_000_000,
                new GenerationSizes(0, 1_000_000, after - 1_000_000, 0, 0), 1_000_000, 50_000, 30_000_000, 30_000_000);
        }
        return gcs;
    }

    private static GcHistory Fill(GcEvent[] gcs)
    {
        var history = new GcHistory();
        foreach (var gc in gcs)
            history.Add(gc);
        return history;
    }

    [Benchmark(OperationsPerInvoke = GcsPerRun, Description = "GcHistory.Add, per GC")]
    public GcHistory RememberGcs() => Fill(_gcs);

    [Benchmark(OperationsPerInvoke = GcsPerRun, Description = "GcTimelineWriter.Write, per GC")]
    public long WriteTimeline()
    {
        var sink = new CountingStream();
        using (var writer = new GcTimelineWriter(sink, new GcTimelineHeader(1, "bench", DateTime.UnixEpoch)))
        {
            foreach (var gc in _gcs)
                writer.Write(gc);
        }
        return sink.Length;
    }

    [Benchmark(Description = "Analyze: a day, lower envelope")]
    public TrendResult AnalyzeEnvelope() => TrendAnalyzer.Analyze(_envelopeHistory);

    [Benchmark(Description = "Analyze: a day, 512 full-GC floor points")]
    public TrendResult AnalyzeFullGcFloor() => TrendAnalyzer.Analyze(_fullGcHistory);

    /// <summary>Counts the bytes written and keeps none, so the benchmark measures formatting only.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
    }
}
