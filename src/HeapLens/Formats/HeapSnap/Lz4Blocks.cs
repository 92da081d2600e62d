using System.Buffers;
using System.Buffers.Binary;
using K4os.Compression.LZ4;

namespace HeapLens.Formats.HeapSnap;

/// <summary>
/// Codec 2's payload: blocks, each an 8-byte header (uint32 raw length, uint32 stored length) and one LZ4
/// block (the LZ4 block format, no frame) of that many stored bytes. Each block is compressed alone, so
/// blocks compress on any thread in any order and read one after the other with a few MB of memory.
/// </summary>
internal static class Lz4Blocks
{
    public const int HeaderSize = 8;

    /// <summary>
    /// The most raw bytes a reader accepts in one block (the writer makes 1 MB blocks): what a block costs a
    /// reader in memory, whatever the file claims.
    /// </summary>
    public const int MaxRawBytes = 4 << 20;

    /// <summary>
    /// The most raw bytes one stored byte can stand for. An LZ4 sequence is a token, literals, a 2-byte offset
    /// and match-length bytes: literals are 1 raw byte each, and the only way to more is a long match, whose
    /// length grows by 255 per extra length byte (15 in the token, plus the 4-byte minimum, come with the
    /// token and offset: 19 raw for 3 stored). So a block of s LZ4 bytes never decodes to 255 × s bytes or
    /// more, and a section (block headers included) never to more than 255 × its stored length.
    /// </summary>
    public const long MaxRatio = 255;

    /// <summary>The most stored bytes an LZ4 block of <paramref name="rawBytes"/> needs: LZ4's own bound, raw + raw/255 + 16.</summary>
    public static int MaxStoredBytes(int rawBytes) => LZ4Codec.MaximumOutputSize(rawBytes);

    /// <summary>
    /// One block of <paramref name="raw"/> (1 to <see cref="MaxRawBytes"/> bytes), header and LZ4 bytes, into
    /// <paramref name="block"/> (at least <see cref="HeaderSize"/> + <see cref="MaxStoredBytes"/> long); returns its length.
    /// </summary>
    public static int Encode(ReadOnlySpan<byte> raw, Span<byte> block)
    {
        int stored = LZ4Codec.Encode(raw, block[HeaderSize..], LZ4Level.L00_FAST);
        if (stored <= 0)
            throw new IOException($"LZ4 could not compress a block of {raw.Length:N0} bytes");
        BinaryPrimitives.WriteUInt32LittleEndian(block, (uint)raw.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(block[4..], (uint)stored);
        return HeaderSize + stored;
    }
}

/// <summary>
/// The raw bytes of a codec-2 section, decoded block by block from its stored bytes (which the caller bounds
/// to the section and hashes). Every length is checked before it is trusted: a block's raw length against
/// <see cref="Lz4Blocks.MaxRawBytes"/> and what the section has left, its stored length against LZ4's bound
/// and the stored bytes left; each block must decode to exactly its raw length. Memory is at most one block's.
/// </summary>
internal sealed class Lz4BlockStream(Stream stored, long storedLength, long rawLength, Func<string, Exception> corrupt) : ReadOnlyStream
{
    private long _storedLeft = storedLength;
    private long _rawDecoded;
    private long _read;
    private byte[]? _block;   // the stored bytes of the block being decoded, then its raw bytes when they do not go straight to the reader
    private byte[]? _decoded;
    private int _decodedAt;
    private int _decodedEnd;

    protected override long BytesRead => _read;

    /// <summary>Stored bytes not read yet: once every raw byte is read, any left over are refused by the caller.</summary>
    public long StoredLeft => _storedLeft;

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
            return 0;
        if (_decodedAt == _decodedEnd)
        {
            if (_rawDecoded == rawLength)
                return 0;
            int blockRaw = NextBlock(out int blockStored);
            if (buffer.Length >= blockRaw)
            {
                Decode(blockStored, buffer[..blockRaw]);
                _read += blockRaw;
                return blockRaw;
            }
            _decoded = Rent(ref _decoded, blockRaw);
            Decode(blockStored, _decoded.AsSpan(0, blockRaw));
            _decodedAt = 0;
            _decodedEnd = blockRaw;
        }
        int taken = Math.Min(buffer.Length, _decodedEnd - _decodedAt);
        _decoded!.AsSpan(_decodedAt, taken).CopyTo(buffer);
        _decodedAt += taken;
        _read += taken;
        return taken;
    }

    /// <summary>Reads and checks the next block's header and its stored bytes; returns its raw length.</summary>
    private int NextBlock(out int blockStored)
    {
        if (_storedLeft == 0)
            throw corrupt($"blocks of {_rawDecoded:N0} raw bytes, not {rawLength:N0}");
        if (_storedLeft < Lz4Blocks.HeaderSize)
            throw corrupt($"a block header cut short ({_storedLeft} bytes)");
        Span<byte> header = stackalloc byte[Lz4Blocks.HeaderSize];
        stored.ReadExactly(header);
        _storedLeft -= Lz4Blocks.HeaderSize;
        uint raw = BinaryPrimitives.ReadUInt32LittleEndian(header);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (raw is 0 or > Lz4Blocks.MaxRawBytes)
            throw corrupt($"a block of {raw:N0} raw bytes (1 to {Lz4Blocks.MaxRawBytes:N0})");
        if (raw > rawLength - _rawDecoded)
            throw corrupt($"blocks of more than its {rawLength:N0} raw bytes");
        if (length > Lz4Blocks.MaxStoredBytes((int)raw))
            throw corrupt($"a block of {length:N0} stored bytes for {raw:N0} raw, more than LZ4 needs");
        if (length > _storedLeft)
            throw corrupt($"a block of {length:N0} stored bytes where {_storedLeft:N0} are left");
        _block = Rent(ref _block, (int)length);
        stored.ReadExactly(_block.AsSpan(0, (int)length));
        _storedLeft -= length;
        blockStored = (int)length;
        return (int)raw;
    }

    private void Decode(int blockStored, Span<byte> raw)
    {
        int decoded = LZ4Codec.Decode(_block.AsSpan(0, blockStored), raw);
        if (decoded < 0)
            throw corrupt("a block that does not decode");
        if (decoded != raw.Length)
            throw corrupt($"a block that decodes to {decoded:N0} bytes, not {raw.Length:N0}");
        _rawDecoded += raw.Length;
    }

    private static byte[] Rent(ref byte[]? held, int length)
    {
        if (held is not null && held.Length >= length)
            return held;
        if (held is not null)
            ArrayPool<byte>.Shared.Return(held);
        held = null;
        return ArrayPool<byte>.Shared.Rent(length);
    }

    protected override void Dispose(bool disposing)
    {
        if (_block is { } block)
            ArrayPool<byte>.Shared.Return(block);
        if (_decoded is { } decoded)
            ArrayPool<byte>.Shared.Return(decoded);
        _block = null;
        _decoded = null;
        base.Dispose(disposing);
    }
}
