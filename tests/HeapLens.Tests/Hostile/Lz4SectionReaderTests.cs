using System.Buffers.Binary;
using HeapLens.Formats.HeapSnap;
using K4os.Compression.LZ4;
using Xunit;

namespace HeapLens.Tests.Hostile;

/// <summary>
/// A codec-2 (LZ4 blocks) section read on its own: every way its blocks can lie (a header cut short, a raw
/// length of 0 or over the maximum, a stored length over LZ4's bound or past the section, bytes that do not
/// decode or decode to another length, raw lengths that do not add up, bytes left over) is refused with its
/// exact message, and each limit is tested on both sides of its boundary.
/// </summary>
public sealed class Lz4SectionReaderTests
{
    private const string Path = "test.heapsnap";

    private static byte[] Bytes(int count) => Enumerable.Range(0, count).Select(i => (byte)(i % 7)).ToArray();

    private static byte[] Lz4(byte[] raw)
    {
        var stored = new byte[LZ4Codec.MaximumOutputSize(raw.Length)];
        return stored[..LZ4Codec.Encode(raw, stored, LZ4Level.L00_FAST)];
    }

    /// <summary>A block: its header (the lengths given, or the true ones), then <paramref name="stored"/>.</summary>
    private static byte[] Block(byte[] stored, long rawLength, long? storedLength = null)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(header, checked((uint)rawLength));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), checked((uint)(storedLength ?? stored.Length)));
        return [.. header, .. stored];
    }

    private static byte[] Block(byte[] raw) => Block(Lz4(raw), raw.Length);

    /// <summary>A SIZE section of codec 2 over the given stored bytes (checksum right).</summary>
    private static byte[] Section(long rawLength, params byte[][] stored) =>
        SectionReaderTests.CraftedSizeSection([.. stored.SelectMany(b => b)], rawLength, (uint)SectionCodec.Lz4Blocks);

    private static SectionReader Open(byte[] bytes)
    {
        var reader = new SectionReader(new MemoryStream(bytes), Path);
        reader.Next();
        return reader;
    }

    private static string Refusal(Action read) => Assert.Throws<HeapLensException>(read).Message;

    private static string Corrupt(string what) => $"{Path} is corrupt: section 'SIZE' {what}";

    private static byte[] ReadAll(byte[] section)
    {
        var reader = Open(section);
        byte[] raw = reader.ReadRemaining();
        reader.Finish();
        return raw;
    }

    [Fact]
    public void Crafted_blocks_read_back_whole_and_in_pieces_smaller_than_a_block()
    {
        byte[] raw = Bytes(300);
        byte[] section = Section(300, Block(raw[..100]), Block(raw[100..101]), Block(raw[101..]));
        Assert.Equal(raw, ReadAll(section));
        var reader = Open(section);
        var piece = new byte[33];
        for (int at = 0; at < 297; at += 33)
        {
            reader.Read(piece);
            Assert.Equal(raw[at..(at + 33)], piece);
        }
        Assert.Equal(raw[297..], reader.ReadRemaining());
        reader.Finish();
    }

    [Fact]
    public void An_empty_section_has_no_blocks()
    {
        Assert.Equal([], ReadAll(Section(0)));
        Assert.Equal(Corrupt("has 10 stored bytes after its last block"), Refusal(() => ReadAll(Section(0, Block(Bytes(1))))));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    public void A_block_header_cut_short_is_refused(int left)
    {
        Assert.Equal(Corrupt($"has a block header cut short ({left} bytes)"), Refusal(() => ReadAll(Section(10, Block(Bytes(5)), new byte[left]))));
    }

    [Fact]
    public void A_block_of_no_raw_bytes_is_refused_and_one_byte_is_enough()
    {
        Assert.Equal(Corrupt("has a block of 0 raw bytes (1 to 4,194,304)"), Refusal(() => ReadAll(Section(1, Block([0x00], 0), Block([1])))));
        Assert.Equal([1], ReadAll(Section(1, Block([1]))));
    }

    [Fact]
    public void A_block_of_the_most_raw_bytes_reads_and_one_more_is_refused()
    {
        byte[] most = Bytes(Lz4Blocks.MaxRawBytes);
        Assert.Equal(4 << 20, Lz4Blocks.MaxRawBytes);
        Assert.Equal(most, ReadAll(Section(most.Length, Block(most))));
        byte[] over = Bytes(Lz4Blocks.MaxRawBytes + 1);
        Assert.Equal(Corrupt("has a block of 4,194,305 raw bytes (1 to 4,194,304)"), Refusal(() => ReadAll(Section(over.Length, Block(over)))));
        Assert.Equal(Corrupt("has a block of 4,294,967,295 raw bytes (1 to 4,194,304)"),
            Refusal(() => ReadAll(Section(10, Block(Lz4(Bytes(10)), uint.MaxValue)))));
    }

    [Fact]
    public void A_stored_length_over_lz4_s_bound_is_refused_and_the_bound_itself_is_weighed_further()
    {
        // LZ4's bound for 100 raw bytes: 100 + 100/255 + 16.
        Assert.Equal(116, Lz4Blocks.MaxStoredBytes(100));
        Assert.Equal(Corrupt("has a block of 117 stored bytes for 100 raw, more than LZ4 needs"),
            Refusal(() => ReadAll(Section(100, Block(new byte[117], 100)))));
        // At the bound the block is read, and its junk then fails to decode.
        Assert.Equal(Corrupt("has a block that does not decode"), Refusal(() => ReadAll(Section(100, Block(Enumerable.Repeat((byte)0xF0, 116).ToArray(), 100)))));
    }

    [Fact]
    public void A_stored_length_past_the_section_s_end_is_refused()
    {
        byte[] stored = Lz4(Bytes(50));
        Assert.Equal(Corrupt($"has a block of {stored.Length + 1} stored bytes where {stored.Length} are left"),
            Refusal(() => ReadAll(Section(50, Block(stored, 50, stored.Length + 1)))));
        Assert.Equal(Bytes(50), ReadAll(Section(50, Block(stored, 50, stored.Length))));
    }

    [Fact]
    public void A_block_that_does_not_decode_is_refused()
    {
        // A token claiming 15+ literals, with none following.
        Assert.Equal(Corrupt("has a block that does not decode"), Refusal(() => ReadAll(Section(20, Block([0xF0, 0x05], 20)))));
    }

    [Fact]
    public void A_block_that_decodes_to_fewer_bytes_than_its_header_says_is_refused()
    {
        Assert.Equal(Corrupt("has a block that decodes to 5 bytes, not 6"), Refusal(() => ReadAll(Section(6, Block(Lz4(Bytes(5)), 6)))));
        // Read straight into the caller's array, or through the block's own buffer: the same check.
        var reader = Open(Section(6, Block(Lz4(Bytes(5)), 6)));
        Assert.Equal(Corrupt("has a block that decodes to 5 bytes, not 6"), Refusal(() => reader.Read(new byte[2])));
    }

    [Fact]
    public void A_block_that_would_decode_to_more_than_its_header_says_is_refused()
    {
        Assert.Equal(Corrupt("has a block that does not decode"), Refusal(() => ReadAll(Section(4, Block(Lz4(Bytes(5)), 4)))));
    }

    [Fact]
    public void Blocks_of_more_raw_bytes_than_the_section_are_refused_and_exactly_as_many_read()
    {
        Assert.Equal(Corrupt("has blocks of more than its 8 raw bytes"), Refusal(() => ReadAll(Section(8, Block(Bytes(5)), Block(Bytes(4))))));
        Assert.Equal([.. Bytes(5), .. Bytes(3)], ReadAll(Section(8, Block(Bytes(5)), Block(Bytes(3)))));
    }

    [Fact]
    public void Blocks_of_fewer_raw_bytes_than_the_section_are_refused()
    {
        Assert.Equal(Corrupt("has blocks of 5 raw bytes, not 6"), Refusal(() => ReadAll(Section(6, Block(Bytes(5))))));
    }

    [Fact]
    public void Stored_bytes_after_the_last_block_are_refused()
    {
        Assert.Equal(Corrupt("has 1 stored bytes after its last block"), Refusal(() => ReadAll(Section(5, Block(Bytes(5)), [0]))));
        Assert.Equal(Corrupt("has 14 stored bytes after its last block"), Refusal(() => ReadAll(Section(5, Block(Bytes(5)), Block(Bytes(5))))));
    }

    [Fact]
    public void The_largest_claims_lz4_can_reach_are_accepted_up_front_and_one_more_byte_is_refused()
    {
        // 255 raw bytes per stored byte: the 8-byte header of a block and its LZ4 bytes alike.
        byte[] stored = Block(Bytes(5));
        var most = Open(Section(255L * stored.Length, stored));
        Assert.Equal(Corrupt($"claims {255 * stored.Length + 1:N0} bytes from {stored.Length} stored, more than LZ4 can expand to"),
            Refusal(() => Open(Section(255L * stored.Length + 1, stored))));
        Assert.Equal(Corrupt("claims 1 bytes from 0 stored, more than LZ4 can expand to"), Refusal(() => Open(Section(1))));
        // The largest stored length whose expansion fits a long, from a stream that cannot tell how much is left.
        byte[] claim = Section(0);
        BinaryPrimitives.WriteInt64LittleEndian(claim.AsSpan(16), long.MaxValue / 255);
        Assert.Equal(long.MaxValue / 255, new SectionReader(new SectionReaderTests.ForwardOnlyStream(claim), Path).Next().StoredLength);
        BinaryPrimitives.WriteInt64LittleEndian(claim.AsSpan(16), long.MaxValue / 255 + 1);
        Assert.Contains("more than LZ4 can expand to", Refusal(() => new SectionReader(new SectionReaderTests.ForwardOnlyStream(claim), Path).Next()));
    }

    [Fact]
    public void The_ratio_bound_holds_for_the_best_lz4_can_do()
    {
        // Zeros are LZ4's best case: a literal, then one long match whose length bytes are each 255.
        byte[] zeros = new byte[Lz4Blocks.MaxRawBytes];
        byte[] stored = Lz4(zeros);
        Assert.True(zeros.Length < Lz4Blocks.MaxRatio * stored.Length, $"{zeros.Length} raw from {stored.Length} stored");
        Assert.True(zeros.Length > (Lz4Blocks.MaxRatio - 1) * stored.Length, $"{zeros.Length} raw from {stored.Length} stored");
    }

    [Fact]
    public void An_array_that_outgrows_its_first_room_reads_back_across_blocks()
    {
        // 300,000 bytes of a 7-byte pattern compress far below 1/32: the array starts at the eager 64 KB and
        // grows through blocks of 100,000, read in pieces that straddle them.
        byte[] raw = Bytes(300_000);
        var reader = Open(Section(raw.Length, Block(raw[..100_000]), Block(raw[100_000..200_000]), Block(raw[200_000..])));
        Assert.Equal(raw, reader.ReadArray<byte>(raw.Length));
        reader.Finish();
    }

    [Fact]
    public void A_claim_beyond_what_the_stored_bytes_make_plausible_allocates_only_what_arrives()
    {
        // 1 MB stored makes 32 MB plausible; the section claims 64 MB of ints but holds one block of 40
        // bytes, then zeros: a block header of 0 raw bytes.
        var reader = Open(Section(64L << 20, Block(Bytes(40)), new byte[1 << 20]));
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(Corrupt("has a block of 0 raw bytes (1 to 4,194,304)"), Refusal(() => reader.ReadArray<int>(16L << 20)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 16 << 20, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void A_file_cut_inside_a_block_is_truncation()
    {
        byte[] section = Section(1000, Block(Bytes(1000)));
        byte[] cut = section[..(SectionWriter.HeaderSize + 10)];
        var reader = new SectionReader(new SectionReaderTests.ForwardOnlyStream(cut), Path);
        reader.Next();
        Assert.Equal($"{Path} is truncated (an incomplete or interrupted write?)", Refusal(() => reader.ReadRemaining()));
    }

    [Fact]
    public void The_block_stream_counts_what_it_gave_and_an_empty_read_takes_no_block()
    {
        byte[] stored = [.. Block(Bytes(10)), .. Block(Bytes(20))];
        using var blocks = new Lz4BlockStream(new MemoryStream(stored), stored.Length, 30, what => new HeapLensException(what));
        Assert.Equal(0, blocks.Read([]));
        Assert.Equal(stored.Length, blocks.StoredLeft);
        var piece = new byte[4];
        Assert.Equal(4, blocks.Read(piece));   // from the first block, decoded into the stream's own buffer
        Assert.Equal(4, blocks.Position);
        Assert.Equal(6, blocks.Read(new byte[100])); // the rest of that block only
        Assert.Equal(20, blocks.Read(new byte[100])); // the next block, straight into the caller's buffer
        Assert.Equal(30, blocks.Position);
        Assert.Equal(0, blocks.StoredLeft);
        Assert.Equal(0, blocks.Read(new byte[100]));
    }
}
