using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using HeapLens.Formats.HeapSnap;
using Xunit;

namespace HeapLens.Tests.Formats;

/// <summary>
/// A section's payload is compressed in blocks, on several threads, with the section's codec: LZ4 blocks (each
/// behind its lengths) or one DEFLATE stream. Whatever the payload's length against the block size, and however
/// many threads, the stored bytes decode with another library than HeapLens's reader (K4os's LZ4Codec block by
/// block, a plain DeflateStream in one go) to exactly the payload, the header tells the codec, the true lengths
/// and the checksum, and the bytes are the same whichever threads compressed them.
/// </summary>
public sealed class SectionBlocksTests
{
    private const int BlockBytes = 7;

    private static byte[] Payload(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 31 % 251)).ToArray();

    /// <summary>The section as written, the payload given in writes of <paramref name="writeLength"/> bytes.</summary>
    private static byte[] Section(byte[] payload, BlockCompressor? compressor, int writeLength = 5, int blockBytes = BlockBytes,
        SectionCodec codec = SectionCodec.Deflate)
    {
        using var file = new MemoryStream();
        using (var section = new SectionWriter(file, SectionTag.Sizes, compressor, blockBytes, codec))
        {
            for (int at = 0; at < payload.Length; at += writeLength)
                section.Write(payload.AsSpan(at, Math.Min(writeLength, payload.Length - at)));
            section.Finish();
        }
        return file.ToArray();
    }

    private static byte[] Inflate(ReadOnlySpan<byte> stored)
    {
        using var inflate = new DeflateStream(new MemoryStream(stored.ToArray()), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        inflate.CopyTo(raw);
        return raw.ToArray();
    }

    private static byte[] Decode(SectionCodec codec, ReadOnlySpan<byte> stored) =>
        codec == SectionCodec.Lz4Blocks ? Hostile.SnapshotSections.Lz4Decode(stored) : Inflate(stored);

    /// <summary>The raw lengths of an LZ4 section's blocks, in order.</summary>
    private static List<int> Lz4BlockLengths(ReadOnlySpan<byte> stored)
    {
        var lengths = new List<int>();
        while (!stored.IsEmpty)
        {
            lengths.Add((int)BinaryPrimitives.ReadUInt32LittleEndian(stored));
            stored = stored[(8 + (int)BinaryPrimitives.ReadUInt32LittleEndian(stored[4..]))..];
        }
        return lengths;
    }

    public static TheoryData<uint, int, int> CodecsThreadsLengths()
    {
        var data = new TheoryData<uint, int, int>();
        foreach (var codec in new[] { SectionCodec.Lz4Blocks, SectionCodec.Deflate })
            foreach (int threads in new[] { 0, 1, 3, 4 })
                foreach (int length in new[] { 0, 1, 6, 7, 8, 13, 14, 15, 20, 21, 22, 100 })
                    data.Add((uint)codec, threads, length);
        return data;
    }

    [Theory]
    [MemberData(nameof(CodecsThreadsLengths))]
    public void Any_length_against_the_block_size_decodes_to_exactly_the_payload(uint codecNumber, int threads, int length)
    {
        var codec = (SectionCodec)codecNumber;
        byte[] payload = Payload(length);
        using var compressor = threads == 0 ? null : new BlockCompressor(threads);
        foreach (byte[] section in new[] { Section(payload, compressor, codec: codec), Section(payload, compressor, writeLength: 100, codec: codec) })
        {
            var stored = section.AsSpan(SectionWriter.HeaderSize);
            Assert.Equal(SectionTag.Sizes, BinaryPrimitives.ReadUInt32LittleEndian(section));
            Assert.Equal((uint)codec, BinaryPrimitives.ReadUInt32LittleEndian(section.AsSpan(4)));
            Assert.Equal(length, BinaryPrimitives.ReadInt64LittleEndian(section.AsSpan(8)));
            Assert.Equal(stored.Length, BinaryPrimitives.ReadInt64LittleEndian(section.AsSpan(16)));
            Assert.Equal(XxHash64.HashToUInt64(stored), BinaryPrimitives.ReadUInt64LittleEndian(section.AsSpan(24)));
            Assert.Equal(payload, Decode(codec, stored));
            if (codec == SectionCodec.Lz4Blocks) // full blocks, then the rest; no empty block, none at all for no bytes
                Assert.Equal(Enumerable.Repeat(BlockBytes, length / BlockBytes).Concat(length % BlockBytes == 0 ? [] : [length % BlockBytes]),
                    Lz4BlockLengths(stored));
            var reader = new SectionReader(new MemoryStream(section), "test.heapsnap");
            reader.Next();
            Assert.Equal(payload, reader.ReadRemaining());
            reader.Finish();
        }
    }

    [Theory]
    [InlineData((uint)SectionCodec.Lz4Blocks)]
    [InlineData((uint)SectionCodec.Deflate)]
    public void The_bytes_do_not_depend_on_the_threads_or_how_the_payload_was_handed_in(uint codecNumber)
    {
        var codec = (SectionCodec)codecNumber;
        byte[] payload = Payload(1000);
        byte[] alone = Section(payload, null, codec: codec);
        foreach (int threads in new[] { 1, 3, 4 })
        {
            using var compressor = new BlockCompressor(threads);
            Assert.Equal(alone, Section(payload, compressor, codec: codec));
            Assert.Equal(alone, Section(payload, compressor, writeLength: 3, codec: codec));
            Assert.Equal(alone, Section(payload, compressor, writeLength: 1000, codec: codec));
        }
    }

    [Fact]
    public void The_default_codec_is_lz4_in_blocks_of_one_megabyte()
    {
        byte[] payload = Payload((1 << 20) + 1);
        using var file = new MemoryStream();
        using (var section = new SectionWriter(file, SectionTag.Sizes))
        {
            section.Write(payload);
            section.Finish();
        }
        byte[] written = file.ToArray();
        Assert.Equal((uint)SectionCodec.Lz4Blocks, BinaryPrimitives.ReadUInt32LittleEndian(written.AsSpan(4)));
        Assert.Equal([1 << 20, 1], Lz4BlockLengths(written.AsSpan(SectionWriter.HeaderSize)));
    }

    [Fact]
    public void Lz4_blocks_up_to_the_most_a_reader_accepts_are_written_and_no_larger()
    {
        byte[] payload = Payload(Lz4Blocks.MaxRawBytes + 1);
        byte[] section = Section(payload, null, writeLength: 1 << 20, blockBytes: Lz4Blocks.MaxRawBytes, codec: SectionCodec.Lz4Blocks);
        Assert.Equal([Lz4Blocks.MaxRawBytes, 1], Lz4BlockLengths(section.AsSpan(SectionWriter.HeaderSize)));
        var reader = new SectionReader(new MemoryStream(section), "test.heapsnap");
        reader.Next();
        Assert.Equal(payload, reader.ReadRemaining());
        reader.Finish();
        using var file = new MemoryStream();
        Assert.Throws<ArgumentOutOfRangeException>(() => new SectionWriter(file, SectionTag.Sizes, null, Lz4Blocks.MaxRawBytes + 1));
        // DEFLATE has no block header, hence no such limit.
        new SectionWriter(file, SectionTag.Sizes, null, Lz4Blocks.MaxRawBytes + 1, SectionCodec.Deflate).Dispose();
    }

    [Fact]
    public void Incompressible_lz4_blocks_stay_within_lz4_s_bound()
    {
        var values = new byte[(1 << 20) + 5];
        new Random(17).NextBytes(values);
        using var file = new MemoryStream();
        using (var threads = new BlockCompressor(2))
        using (var section = new SectionWriter(file, SectionTag.Sizes, threads))
        {
            section.Write(values);
            section.Finish();
        }
        var stored = file.ToArray().AsSpan(SectionWriter.HeaderSize);
        int first = (int)BinaryPrimitives.ReadUInt32LittleEndian(stored[4..]);
        Assert.InRange(first, (1 << 20) + 1, (1 << 20) + (1 << 20) / 255 + 16);
        Assert.Equal(values, Hostile.SnapshotSections.Lz4Decode(stored));
    }

    [Fact]
    public void Every_block_but_the_last_ends_with_a_sync_flush_and_none_but_the_last_is_final()
    {
        // Three blocks of 7: each deflated alone is a stream of its own. Cut at each empty stored block
        // (00 00 FF FF), the section's bytes are exactly those three, in order.
        byte[] payload = Payload(21);
        var stored = Section(payload, null, codec: SectionCodec.Deflate).AsSpan(SectionWriter.HeaderSize).ToArray();
        var blocks = new List<byte[]>();
        int start = 0;
        for (int at = 0; at + 4 <= stored.Length; at++)
        {
            if (stored.AsSpan(at, 4).SequenceEqual(new byte[] { 0, 0, 0xFF, 0xFF }))
            {
                blocks.Add(stored[start..(at + 4)]);
                start = at + 4;
            }
        }
        blocks.Add(stored[start..]);
        Assert.Equal(3, blocks.Count);
        for (int i = 0; i < 3; i++)
            Assert.Equal(payload[(i * 7)..(i * 7 + 7)], Inflate(blocks[i]));
        // A stream that ends without its final block: only the last block carries one.
        Assert.Equal(payload[..14], InflateWithoutEnd([.. blocks[0], .. blocks[1]]));
    }

    /// <summary>What an inflater gets from a stream that stops after non-final blocks.</summary>
    private static byte[] InflateWithoutEnd(byte[] stored)
    {
        using var inflate = new DeflateStream(new MemoryStream(stored), CompressionMode.Decompress);
        var raw = new byte[64];
        int read = inflate.ReadAtLeast(raw, raw.Length, throwOnEndOfStream: false);
        return raw[..read];
    }

    [Theory]
    [InlineData((uint)SectionCodec.Lz4Blocks)]
    [InlineData((uint)SectionCodec.Deflate)]
    public void A_section_of_several_default_blocks_reads_back_through_the_reader(uint codecNumber)
    {
        var codec = (SectionCodec)codecNumber;
        // 4 MB of sizes: four blocks of 1 MB and a bit, compressed by two threads.
        uint[] values = Enumerable.Range(0, (1 << 20) + 3).Select(i => (uint)(i % 977 * 24)).ToArray();
        using var file = new MemoryStream();
        using (var threads = new BlockCompressor(2))
        using (var section = new SectionWriter(file, SectionTag.Sizes, threads, codec: codec))
        {
            section.Write<uint>(values);
            section.Finish();
        }
        file.Position = 0;
        var reader = new SectionReader(file, "test.heapsnap");
        Assert.Equal(values.Length * 4L, reader.Next().RawLength);
        Assert.Equal(values, reader.ReadArray<uint>(values.Length));
        reader.Finish();
    }

    [Fact]
    public void Incompressible_blocks_that_deflate_to_more_than_their_first_buffer_read_back()
    {
        // Random bytes deflate to a little more than themselves: each 1 MB block's output outgrows the 64 KB
        // it starts with, several times over.
        var values = new byte[(3 << 20) + 5];
        new Random(17).NextBytes(values);
        using var file = new MemoryStream();
        using (var threads = new BlockCompressor(2))
        using (var section = new SectionWriter(file, SectionTag.Sizes, threads, codec: SectionCodec.Deflate))
        {
            section.Write(values);
            section.Finish();
        }
        var stored = file.ToArray().AsSpan(SectionWriter.HeaderSize);
        Assert.True(stored.Length > values.Length, $"{stored.Length} stored bytes for {values.Length} random ones");
        Assert.Equal(values, Inflate(stored));
    }

    [Fact]
    public void A_section_not_finished_writes_nothing()
    {
        using var file = new MemoryStream();
        using var threads = new BlockCompressor(2);
        using (var section = new SectionWriter(file, SectionTag.Sizes, threads, BlockBytes))
            section.Write(Payload(50)); // six blocks handed over, then abandoned (a failure in the caller)
        Assert.Equal(0, file.Length);
    }

    [Fact]
    public void Nothing_is_written_after_the_finish()
    {
        using var file = new MemoryStream();
        using var section = new SectionWriter(file, SectionTag.Sizes);
        section.Write(Payload(3));
        section.Finish();
        Assert.Throws<ObjectDisposedException>(() => section.Write(Payload(1)));
        Assert.Throws<ObjectDisposedException>(section.Finish);
    }

    [Fact]
    public void A_block_size_below_one_byte_is_refused()
    {
        using var file = new MemoryStream();
        Assert.Throws<ArgumentOutOfRangeException>(() => new SectionWriter(file, SectionTag.Sizes, null, blockBytes: 0));
    }

    [Fact]
    public void A_hand_over_to_threads_already_stopped_fails_the_write_and_leaves_nothing_waiting()
    {
        using var file = new MemoryStream();
        var threads = new BlockCompressor(1);
        threads.Dispose();
        var section = new SectionWriter(file, SectionTag.Sizes, threads, BlockBytes);
        section.Write(Payload(BlockBytes)); // one block, kept until more comes
        Assert.Throws<ObjectDisposedException>(() => section.Write(Payload(1)));
        section.Dispose(); // returns: no block waits for a thread that will never take it
        Assert.Equal(0, file.Length);
    }

    [Fact]
    public void A_writer_disposed_takes_no_more_and_can_be_disposed_again()
    {
        using var file = new MemoryStream();
        using var threads = new BlockCompressor(2);
        var section = new SectionWriter(file, SectionTag.Sizes, threads, BlockBytes);
        section.Write(Payload(30));
        section.Dispose();
        Assert.Throws<ObjectDisposedException>(() => section.Write(Payload(1)));
        Assert.Throws<ObjectDisposedException>(section.Finish);
        section.Dispose();
        Assert.Equal(0, file.Length);
    }

    [Fact]
    public async Task A_block_s_output_waits_for_its_compression()
    {
        // The writer asks for each block's bytes as soon as the section ends, while a thread may still be
        // compressing it: the bytes come when they are done, never half-made.
        byte[] raw = System.Buffers.ArrayPool<byte>.Shared.Rent(16);
        raw.AsSpan().Fill(42);
        var block = new SectionBlock(raw, 16, last: true);
        var output = Task.Run(() => block.Output().ToArray());
        Assert.NotSame(output, await Task.WhenAny(output, Task.Delay(200))); // nothing before the block is compressed
        block.Compress();
        Assert.Equal(Enumerable.Repeat((byte)42, 16), Hostile.SnapshotSections.Lz4Decode(await output));
        block.Dispose();
    }

    [Theory]
    [InlineData((uint)SectionCodec.Lz4Blocks)]
    [InlineData((uint)SectionCodec.Deflate)]
    public void A_block_that_fails_to_compress_fails_the_section_with_its_reason(uint codecNumber)
    {
        var codec = (SectionCodec)codecNumber;
        byte[] raw = System.Buffers.ArrayPool<byte>.Shared.Rent(16);
        var block = new SectionBlock(raw, raw.Length + 1, last: true, codec); // says one byte more than it holds
        block.Compress();
        var failure = Assert.Throws<IOException>(() => block.Output().Length);
        Assert.StartsWith("could not compress a section: ", failure.Message);
        block.Dispose();
    }
}
