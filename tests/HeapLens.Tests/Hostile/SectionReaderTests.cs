using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using HeapLens.Formats.HeapSnap;
using Xunit;

namespace HeapLens.Tests.Hostile;

/// <summary>
/// One .heapsnap section read on its own: values come back exact, and every way a section can lie
/// (its header, its length, its compressed bytes, its checksum, a file cut inside it) is refused
/// with its exact message.
/// </summary>
public sealed class SectionReaderTests
{
    private const string Path = "test.heapsnap";

    /// <summary>A section of SIZE holding <paramref name="values"/>, as the writer writes it.</summary>
    private static byte[] SizeSection(params int[] values)
    {
        using var file = new MemoryStream();
        using (var section = new SectionWriter(file, SectionTag.Sizes))
        {
            section.Write<int>(values);
            section.Finish();
        }
        return file.ToArray();
    }

    /// <summary>A SIZE section with a hand-made header over the given stored bytes (checksum right).</summary>
    internal static byte[] CraftedSizeSection(byte[] stored, long rawLength, uint codec = (uint)SectionCodec.Deflate)
    {
        var header = new byte[SectionWriter.HeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(header, SectionTag.Sizes);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), codec);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(8), rawLength);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), stored.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(24), XxHash64.HashToUInt64(stored));
        return [.. header, .. stored];
    }

    private static SectionReader Open(byte[] bytes, out SectionReader.Header header)
    {
        var reader = new SectionReader(new MemoryStream(bytes), Path);
        header = reader.Next();
        return reader;
    }

    private static string Refusal(Action read) => Assert.Throws<HeapLensException>(read).Message;

    [Fact]
    public void Values_read_back_exactly_whole_or_in_pieces()
    {
        int[] values = Enumerable.Range(1, 10).Select(i => i * 1000 + 7).ToArray();
        var reader = Open(SizeSection(values), out var header);
        Assert.Equal("SIZE", header.Name);
        Assert.Equal(40, header.RawLength);
        var first = new int[3];
        reader.Read<int>(first);
        Assert.Equal(values[..3], first);
        Assert.Equal(values[3..], reader.ReadArray<int>(7));
        reader.Finish();
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(3u)]
    [InlineData(7u)]
    public void A_header_with_an_unknown_codec_is_refused_with_the_codec(uint codec)
    {
        byte[] section = SizeSection(1, 2);
        BinaryPrimitives.WriteUInt32LittleEndian(section.AsSpan(4), codec);
        Assert.Equal($"{Path} is corrupt: section 'SIZE' uses codec {codec}, which this HeapLens does not read", Refusal(() => Open(section, out _)));
    }

    [Theory]
    [InlineData((uint)SectionCodec.Deflate)]
    [InlineData((uint)SectionCodec.Lz4Blocks)]
    public void Both_codecs_read_in_version_2(uint codecNumber)
    {
        var codec = (SectionCodec)codecNumber;
        using var file = new MemoryStream();
        using (var section = new SectionWriter(file, SectionTag.Sizes, codec: codec))
        {
            section.Write<int>([5, 6, 7]);
            section.Finish();
        }
        var reader = Open(file.ToArray(), out var header);
        Assert.Equal((uint)codec, header.Codec);
        Assert.Equal([5, 6, 7], reader.ReadArray<int>(3));
        reader.Finish();
    }

    [Fact]
    public void A_version_1_file_holds_deflate_only_and_anything_else_is_a_bad_header_as_before()
    {
        using var file = new MemoryStream();
        using (var section = new SectionWriter(file, SectionTag.Sizes, codec: SectionCodec.Deflate))
        {
            section.Write<int>([5, 6, 7]);
            section.Finish();
        }
        var reader = new SectionReader(new MemoryStream(file.ToArray()), Path, version: 1);
        reader.Next();
        Assert.Equal([5, 6, 7], reader.ReadArray<int>(3));
        reader.Finish();
        foreach (uint codec in new[] { 0u, 2u, 7u })
        {
            byte[] other = SizeSection(5, 6, 7);
            BinaryPrimitives.WriteUInt32LittleEndian(other.AsSpan(4), codec);
            Assert.Equal($"{Path} is corrupt: bad header of section 'SIZE'",
                Refusal(() => new SectionReader(new MemoryStream(other), Path, version: 1).Next()));
        }
    }

    [Fact]
    public void Reading_past_the_raw_length_is_refused()
    {
        var reader = Open(SizeSection(1, 2), out _);
        Assert.Equal($"{Path} is corrupt: section 'SIZE' is shorter than its contents need", Refusal(() => reader.Read(new byte[12])));
    }

    [Fact]
    public void A_count_that_does_not_fill_the_section_exactly_is_refused()
    {
        var reader = Open(SizeSection(1, 2), out _);
        Assert.Equal($"{Path} is corrupt: section 'SIZE' holds 8 bytes, not 3 values", Refusal(() => reader.ReadArray<int>(3)));
    }

    [Fact]
    public void Bytes_that_are_not_deflate_are_refused()
    {
        // 0xFF starts a block of type 3, which DEFLATE reserves.
        var reader = Open(CraftedSizeSection([0xFF, 0xFF, 0xFF, 0xFF], rawLength: 16), out _);
        Assert.Equal($"{Path} is corrupt: section 'SIZE' does not decompress", Refusal(() => reader.ReadArray<int>(4)));
    }

    [Fact]
    public void Unread_bytes_are_counted_when_the_section_ends()
    {
        var reader = Open(SizeSection(1, 2, 3, 4, 5), out _);
        reader.Read(new byte[8]);
        Assert.Equal($"{Path} is corrupt: section 'SIZE' has 12 unexpected bytes", Refusal(reader.Finish));
    }

    [Fact]
    public void A_changed_checksum_is_refused_when_the_section_ends()
    {
        byte[] section = SizeSection(1, 2);
        section[24] ^= 1;
        var reader = Open(section, out _);
        reader.ReadArray<int>(2);
        Assert.Equal($"{Path} is corrupt: checksum mismatch in section 'SIZE'", Refusal(reader.Finish));
    }

    [Fact]
    public void A_stream_that_ends_inside_a_section_is_truncation_even_when_it_cannot_seek()
    {
        // An HTTP body or a pipe: the stored length cannot be checked against the file's length up front.
        byte[] section = SizeSection(Enumerable.Range(0, 1000).ToArray());
        byte[] cut = section[..(SectionWriter.HeaderSize + 20)];
        var reader = new SectionReader(new ForwardOnlyStream(cut), Path);
        reader.Next();
        Assert.Equal($"{Path} is truncated (an incomplete or interrupted write?)", Refusal(() => reader.ReadArray<int>(1000)));
        var skipping = new SectionReader(new ForwardOnlyStream(cut), Path);
        skipping.Next();
        Assert.Equal($"{Path} is truncated (an incomplete or interrupted write?)", Refusal(skipping.Skip));
    }

    /// <summary><paramref name="raw"/> deflated, followed by <paramref name="padding"/> zero bytes that DEFLATE never reaches.</summary>
    private static byte[] Deflated(byte[] raw, int padding = 0)
    {
        using var buffer = new MemoryStream();
        using (var deflate = new DeflateStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
            deflate.Write(raw);
        buffer.Write(new byte[padding]);
        return buffer.ToArray();
    }

    private static byte[] Bytes(int count) => Enumerable.Range(0, count).Select(i => (byte)(i % 7)).ToArray();

    [Fact]
    public void A_negative_raw_length_is_a_bad_header()
    {
        Assert.Equal($"{Path} is corrupt: bad header of section 'SIZE'",
            Refusal(() => Open(CraftedSizeSection(Deflated(Bytes(8)), rawLength: -8), out _)));
    }

    [Fact]
    public void A_stored_length_past_the_end_is_truncation_before_any_claim_is_weighed()
    {
        // The raw length is also more than the claimed stored length could expand to: truncation is said first.
        byte[] section = CraftedSizeSection(Deflated(Bytes(8)), rawLength: 8);
        long stored = BinaryPrimitives.ReadInt64LittleEndian(section.AsSpan(16)) + 1;
        BinaryPrimitives.WriteInt64LittleEndian(section.AsSpan(16), stored);
        BinaryPrimitives.WriteInt64LittleEndian(section.AsSpan(8), stored * SectionReader.MaxDeflateRatio + 65);
        Assert.Equal($"{Path} is truncated (an incomplete or interrupted write?)", Refusal(() => Open(section, out _)));
    }

    [Fact]
    public void The_largest_claims_deflate_can_reach_are_accepted_up_front()
    {
        byte[] stored = Deflated(Bytes(8));
        long most = stored.Length * SectionReader.MaxDeflateRatio + 64;
        Open(CraftedSizeSection(stored, rawLength: most), out var header);
        Assert.Equal(most, header.RawLength);
        // The largest stored length whose expansion fits a long, from a stream that cannot tell how much is left.
        byte[] claim = CraftedSizeSection([], rawLength: 0);
        BinaryPrimitives.WriteInt64LittleEndian(claim.AsSpan(16), long.MaxValue / SectionReader.MaxDeflateRatio);
        var reader = new SectionReader(new ForwardOnlyStream(claim), Path);
        Assert.Equal(long.MaxValue / SectionReader.MaxDeflateRatio, reader.Next().StoredLength);
    }

    [Fact]
    public void Values_spanning_more_than_one_chunk_read_back_exactly()
    {
        int[] values = Enumerable.Range(0, SectionReader.ChunkBytes / sizeof(int) + 5).Select(i => i * 3).ToArray();
        var reader = Open(SizeSection(values), out _);
        var read = new int[values.Length];
        reader.Read<int>(read);
        reader.Finish();
        Assert.True(values.AsSpan().SequenceEqual(read));
    }

    [Fact]
    public void The_rest_of_a_partly_read_section_reads_back()
    {
        var reader = Open(SizeSection(1, 2, 3, 4, 5), out _);
        reader.Read(new byte[8]);
        Assert.Equal([3, 0, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0], reader.ReadRemaining());
        reader.Finish();
    }

    [Fact]
    public void An_array_that_outgrows_its_first_room_by_less_than_double_reads_back()
    {
        // 100,000 bytes of a 7-byte pattern deflate far below 1/32: the first room is the eager 64 KB,
        // grown once to exactly the count.
        byte[] raw = Bytes(100_000);
        var reader = Open(CraftedSizeSection(Deflated(raw), raw.Length), out _);
        Assert.Equal(raw, reader.ReadArray<byte>(raw.Length));
        reader.Finish();
    }

    /// <summary>A check given to ReadArray sees every value once, in order, in chunks of 1 MB at most, whether the array was allocated at once or grew.</summary>
    [Theory]
    [InlineData(3_000_000, false)] // a 7-byte pattern deflates far below 1/32: the room grows from 64 KB
    [InlineData(3_000_000, true)]  // padded to 1 MB stored: 32 MB plausible, allocated at once
    [InlineData(0, false)]
    public void A_check_sees_every_value_once_as_it_arrives(int count, bool padded)
    {
        byte[] raw = Bytes(count);
        var reader = Open(CraftedSizeSection(Deflated(raw, padding: padded ? 1 << 20 : 0), raw.Length), out _);
        var seen = new List<byte>();
        int chunks = 0;
        var read = reader.ReadArray<byte>(raw.Length, arrived =>
        {
            Assert.InRange(arrived.Length, 1, 1 << 20);
            seen.AddRange(arrived.ToArray());
            chunks++;
        });
        reader.Finish();
        Assert.Equal(raw, read);
        Assert.Equal(raw, seen);
        Assert.True(chunks >= count / (1 << 20), $"{chunks} chunks");
    }

    [Fact]
    public void A_check_that_throws_ends_the_read_where_it_stands()
    {
        byte[] raw = Bytes(3 << 20);
        var reader = Open(CraftedSizeSection(Deflated(raw), raw.Length), out _);
        int chunks = 0;
        var error = Assert.Throws<HeapLensException>(() => reader.ReadArray<byte>(raw.Length, _ =>
        {
            if (++chunks == 2)
                throw new HeapLensException("refused");
        }));
        Assert.Equal("refused", error.Message);
        Assert.Equal(2, chunks);
    }

    [Fact]
    public void Stored_bytes_after_the_deflate_end_are_checksummed_and_skipped()
    {
        // 100 KB of padding: more than DeflateStream reads ahead, so the rest is read by the skip.
        var reader = new SectionReader(new MemoryStream([.. CraftedSizeSection(Deflated(Bytes(40), padding: 100_000), 40),
            .. CraftedSizeSection(Deflated(Bytes(8)), 8)]), Path);
        reader.Next();
        Assert.Equal(Bytes(40), reader.ReadRemaining());
        reader.Finish();
        Assert.Equal(8, reader.Next().RawLength);
        Assert.Equal(Bytes(8), reader.ReadRemaining());
        reader.Finish();
    }

    [Fact]
    public void A_claim_beyond_what_the_stored_bytes_make_plausible_allocates_only_what_arrives()
    {
        // 1 MB stored makes 32 MB plausible; the section claims 64 MB of ints but holds 40 bytes.
        var reader = Open(CraftedSizeSection(Deflated(Bytes(40), padding: 1 << 20), 64L << 20), out _);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal($"{Path} is corrupt: section 'SIZE' ends early", Refusal(() => reader.ReadArray<int>(16L << 20)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 16 << 20, $"allocated {allocated:N0} bytes");
    }

    [Theory]
    [InlineData(0, "ends early")]   // the most an array holds: read until the data ends
    [InlineData(1, "holds 2,147,483,592 bytes, not 2,147,483,592 values")]
    public void A_section_of_array_max_length_bytes_is_read_and_one_more_is_refused(int beyond, string reason)
    {
        long raw = (long)Array.MaxLength + beyond;
        int stored = (int)((raw - 64) / SectionReader.MaxDeflateRatio) + 1; // just enough for the claim
        byte[] deflated = Deflated(Bytes(40));
        var reader = Open(CraftedSizeSection(Deflated(Bytes(40), padding: stored - deflated.Length), raw), out _);
        Assert.Equal($"{Path} is corrupt: section 'SIZE' {reason}", Refusal(() => reader.ReadRemaining()));
    }

    internal sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => _inner.Read(buffer);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
