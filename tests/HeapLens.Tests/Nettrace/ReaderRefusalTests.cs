using System.Buffers.Binary;
using HeapLens.Collection.Nettrace;
using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Nettrace;

/// <summary>A real recorded stream, kept once for the tests of this class.</summary>
public sealed class SmallRecordedWalk : IDisposable
{
    private readonly TempDirectory _directory = new();

    public SmallRecordedWalk()
    {
        using var target = TargetProcess.StartTestTarget();
        target.Send("items 5000");
        Bytes = File.ReadAllBytes(RecordedWalk.Capture(target, _directory, "small").StreamPath);
    }

    public byte[] Bytes { get; }

    public string Write(byte[] bytes, string name)
    {
        string path = _directory.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => _directory.Dispose();
}

/// <summary>
/// A saved stream is a file users keep and bring back: cut short or damaged, it is refused with a message
/// that says so (never a wrong snapshot); one of a format version the fast reader does not know is read by
/// TraceEvent instead.
/// </summary>
public class ReaderRefusalTests(SmallRecordedWalk walk) : IClassFixture<SmallRecordedWalk>
{
    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.999)]
    public void A_truncated_stream_is_refused_as_truncated(double fraction)
    {
        string path = walk.Write(walk.Bytes[..(int)(walk.Bytes.Length * fraction)], "cut.nettrace");

        var error = Assert.Throws<CorruptNettraceException>(() => HeapWalkReading.ToSnapshot(path, HeapWalkReader.Fast));

        Assert.Contains("truncated", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_stream_cut_inside_its_header_is_refused()
    {
        string path = walk.Write(walk.Bytes[..40], "header.nettrace");

        var error = Assert.Throws<CorruptNettraceException>(() => HeapWalkReading.ToSnapshot(path, HeapWalkReader.Fast));

        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void A_stream_whose_blocks_are_damaged_is_refused_with_the_offset()
    {
        byte[] bytes = (byte[])walk.Bytes.Clone();
        int firstBlock = FirstObjectAfterTheTraceObject(bytes);
        bytes[firstBlock] = 0x42; // where an object's tag belongs

        var error = Assert.Throws<CorruptNettraceException>(() =>
            HeapWalkReading.ToSnapshot(walk.Write(bytes, "tag.nettrace"), HeapWalkReader.Fast));

        Assert.Contains($"corrupt event stream at byte {firstBlock + 1:N0}", error.Message);
    }

    [Fact]
    public void A_block_whose_header_claims_more_than_the_block_holds_is_refused()
    {
        byte[] bytes = (byte[])walk.Bytes.Clone();
        // The first block (metadata): its object header, its 4-byte size, padding to 4 bytes, then its own header's size.
        int block = FirstObjectAfterTheTraceObject(bytes);
        int nameLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(block + 11));
        int size = block + 15 + nameLength + 1;
        int header = (size + 4 + 3) & ~3;
        Assert.Equal(20, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(header)));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(header), 0xfff0);

        var error = Assert.Throws<CorruptNettraceException>(() =>
            HeapWalkReading.ToSnapshot(walk.Write(bytes, "header.nettrace"), HeapWalkReader.Fast));

        Assert.Contains("a block header of 65,520 bytes", error.Message.Replace("65520", "65,520"));
    }

    [Fact]
    public void Something_else_than_a_nettrace_is_refused()
    {
        string path = walk.Write("this is not an event stream at all"u8.ToArray(), "text.nettrace");

        var error = Assert.Throws<CorruptNettraceException>(() => HeapWalkReading.ToSnapshot(path, HeapWalkReader.Fast));

        Assert.Contains("not a nettrace stream", error.Message);
    }

    [Fact]
    public void A_stream_the_fast_reader_does_not_know_is_handed_to_TraceEvent()
    {
        // A trace that says it comes from a 32-bit process (pointer size 4 in the trace object): the fast
        // reader decodes 64-bit layouts only and hands the stream to TraceEvent, which knows both. (A real
        // 32-bit walk is not to be had here, so what TraceEvent makes of these 64-bit payloads is not the
        // point; TraceEvent 4.0 refuses the later versions one could forge from this stream.)
        byte[] bytes = (byte[])walk.Bytes.Clone();
        int pointerSize = FirstObjectAfterTheTraceObject(bytes) - 1 - 16;
        Assert.Equal(8, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(pointerSize)));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(pointerSize), 4);
        string path = walk.Write(bytes, "pointers.nettrace");

        var read = HeapWalkReading.Read(() => File.OpenRead(path), HeapWalkReader.Fast, refuseTruncated: false);
        using var builder = read.Parser.Builder;

        Assert.Equal(HeapWalkReader.TraceEvent, read.UsedReader);
        Assert.Contains("4-byte pointers", read.FallbackReason);
        Assert.True(builder.NodeCount > 0, "TraceEvent read no heap-walk event");
    }

    [Fact]
    public void A_stream_the_fast_reader_knows_is_read_by_it()
    {
        var read = HeapWalkReading.Read(() => File.OpenRead(walk.Write(walk.Bytes, "whole.nettrace")), HeapWalkReader.Fast);
        using var builder = read.Parser.Builder;

        Assert.Equal(HeapWalkReader.Fast, read.UsedReader);
        Assert.Null(read.FallbackReason);
        Assert.Equal(0, read.EventsLost);
        Assert.True(builder.NodeCount > 5000, $"{builder.NodeCount} objects");
    }

    // "Nettrace", then 4 + 20 bytes of "!FastSerialization.1", then tags 5 5 1 and the type's version.
    private static int TraceObjectVersionOffset(byte[] bytes) => 8 + 24 + 3;

    /// <summary>Just after the trace object: its type (tags, versions, the name "Trace"), 48 bytes of fields, its end tag.</summary>
    private static int FirstObjectAfterTheTraceObject(byte[] bytes) => TraceObjectVersionOffset(bytes) + 4 + 4 + 4 + 5 + 1 + 48 + 1;
}
