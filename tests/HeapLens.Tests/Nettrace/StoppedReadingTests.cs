using HeapLens.Collection.Nettrace;
using HeapLens.Formats;
using Xunit;

namespace HeapLens.Tests.Nettrace;

/// <summary>
/// A capture stops reading its stream as soon as the walk's pause is measured (the runtime's restart after the
/// walking GC), without waiting for the session's end; the stream then ends wherever the reading was, often inside a
/// block. Such a reading holds the whole walk and is no cut stream.
/// </summary>
public class StoppedReadingTests(SmallRecordedWalk walk) : IClassFixture<SmallRecordedWalk>
{
    [Theory]
    [InlineData(HeapWalkReader.Fast)]
    [InlineData(HeapWalkReader.TraceEvent)]
    public void A_reading_stopped_once_the_pause_is_measured_holds_the_whole_walk(HeapWalkReader reader)
    {
        string path = walk.Write(walk.Bytes, $"whole-{reader}.nettrace");
        var whole = HeapWalkReading.Read(() => File.OpenRead(path), reader);
        using var wholeBuilder = whole.Parser.Builder;

        Action? stop = null;
        var stopped = new Flag();
        var read = HeapWalkReading.Read(() => new EndsSoonAfterStop(File.OpenRead(path), stopped), reader,
            onParser: parser => parser.PauseMeasured += () =>
            {
                stopped.Value = true;
                stop!();
            },
            onStopper: s => stop = s, refuseTruncated: false);
        using var builder = read.Parser.Builder;

        Assert.True(stopped.Value, "the pause was never measured");
        Assert.Null(read.StreamProblem);
        Assert.True(read.ReadToEnd);
        Assert.True(read.Parser.WalkComplete);
        Assert.Equal(whole.Parser.PauseMilliseconds, read.Parser.PauseMilliseconds);
        Assert.Equal(wholeBuilder.NodeCount, builder.NodeCount);
        Assert.Equal(wholeBuilder.ExpectedEdgeCount, builder.ExpectedEdgeCount);
        Assert.Equal(wholeBuilder.ReceivedEdgeCount, builder.ReceivedEdgeCount);
    }

    [Fact]
    public void A_reading_not_stopped_whose_stream_ends_inside_a_block_is_cut()
    {
        string path = walk.Write(walk.Bytes, "whole.nettrace");
        var stopped = new Flag();

        var read = HeapWalkReading.Read(() => new EndsSoonAfterStop(File.OpenRead(path), stopped), HeapWalkReader.Fast,
            onParser: parser => parser.PauseMeasured += () => stopped.Value = true, refuseTruncated: false);
        using var builder = read.Parser.Builder;

        Assert.True(stopped.Value, "the pause was never measured");
        Assert.False(read.ReadToEnd);
        Assert.Contains("truncated", read.StreamProblem);
    }

    private sealed class Flag
    {
        public volatile bool Value;
    }

    /// <summary>
    /// A follower stopped by the capture: the stream as it arrives (a few KB at a time, so that the reader is not
    /// ahead of the walk's end), then, once told, a few bytes more and the end, inside a block.
    /// </summary>
    private sealed class EndsSoonAfterStop(Stream inner, Flag stopped) : ReadOnlyStream
    {
        private int _leftAfterStop = 100;
        private long _read;

        protected override long BytesRead => _read;

        public override int Read(Span<byte> buffer)
        {
            buffer = buffer[..Math.Min(buffer.Length, 4096)];
            if (stopped.Value)
            {
                buffer = buffer[..Math.Min(buffer.Length, _leftAfterStop)];
                if (buffer.IsEmpty)
                    return 0;
            }
            int read = inner.Read(buffer);
            _read += read;
            if (stopped.Value)
                _leftAfterStop -= read;
            return read;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
