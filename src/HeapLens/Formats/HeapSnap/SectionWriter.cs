using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HeapLens.Formats.HeapSnap;

/// <summary>
/// Writes one section: a 32-byte header (tag, codec, raw length, stored length, XxHash64 of the stored
/// bytes) and the compressed payload. The payload is cut into blocks of raw bytes as it comes, compressed by a
/// <see cref="BlockCompressor"/>'s threads (or on this thread without one) with the section's codec (LZ4 blocks,
/// or one DEFLATE stream for a version-1 file, see <see cref="SectionBlock"/>); the section is written to its destination by <see cref="Finish"/>, header first, so the destination need not
/// seek (an HTTP response). What the section holds meanwhile is its compressed bytes and a few raw blocks.
/// </summary>
internal sealed class SectionWriter : IDisposable
{
    public const int HeaderSize = 4 + 4 + 8 + 8 + 8;

    /// <summary>
    /// Raw bytes per block: each block starts the compressor's window (64 KB for LZ4, 32 KB for DEFLATE) afresh,
    /// so much smaller blocks compress worse; much larger ones leave cores idle at a section's end and hold more raw bytes in flight.
    /// </summary>
    internal const int DefaultBlockBytes = 1 << 20;

    private readonly Stream _destination;
    private readonly uint _tag;
    private readonly BlockCompressor? _compressor;
    private readonly int _blockBytes;
    private readonly SectionCodec _codec;
    private readonly List<SectionBlock> _blocks = [];
    private byte[]? _block;
    private int _filled;
    private long _rawLength;
    private bool _finished;

    /// <param name="compressor">Threads to compress the blocks; null compresses them on the writing thread.</param>
    /// <param name="blockBytes">Raw bytes per block: 1 to <see cref="Lz4Blocks.MaxRawBytes"/> for LZ4 (what readers accept).</param>
    public SectionWriter(Stream destination, uint tag, BlockCompressor? compressor = null, int blockBytes = DefaultBlockBytes,
        SectionCodec codec = SectionCodec.Lz4Blocks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockBytes, 1);
        if (codec == SectionCodec.Lz4Blocks)
            ArgumentOutOfRangeException.ThrowIfGreaterThan(blockBytes, Lz4Blocks.MaxRawBytes);
        _destination = destination;
        _tag = tag;
        _compressor = compressor;
        _blockBytes = blockBytes;
        _codec = codec;
        _block = ArrayPool<byte>.Shared.Rent(blockBytes);
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        while (!bytes.IsEmpty)
        {
            // A full block is handed over only when more bytes come: the last block, full or not, is the
            // one Finish ends the stream with (an empty last block would need a final block of its own).
            if (_filled == _blockBytes)
                HandOver(last: false);
            int taken = Math.Min(bytes.Length, _blockBytes - _filled);
            bytes[..taken].CopyTo(_block.AsSpan(_filled));
            _filled += taken;
            _rawLength += taken;
            bytes = bytes[taken..];
        }
    }

    /// <summary>Writes values in chunks: a span of 2 GB or more cannot be seen as one span of bytes.</summary>
    public void Write<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        int chunk = SectionReader.ChunkBytes / Unsafe.SizeOf<T>();
        for (int at = 0; at < values.Length; at += chunk)
            Write(MemoryMarshal.AsBytes(values.Slice(at, Math.Min(chunk, values.Length - at))));
    }

    private void HandOver(bool last)
    {
        var block = new SectionBlock(_block!, _filled, last, _codec);
        _block = last ? null : ArrayPool<byte>.Shared.Rent(_blockBytes);
        _filled = 0;
        if (_compressor is null)
        {
            block.Compress();
        }
        else
        {
            try
            {
                _compressor.Submit(block);
            }
            catch
            {
                block.Abandon();
                throw;
            }
        }
        _blocks.Add(block);
    }

    /// <summary>Ends the payload and writes the section (header, then the blocks' bytes in order).</summary>
    public void Finish()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        HandOver(last: true);
        _finished = true;
        long stored = 0;
        var hash = new XxHash64();
        foreach (var block in _blocks)
        {
            var bytes = block.Output();
            stored += bytes.Length;
            hash.Append(bytes);
        }
        Span<byte> header = stackalloc byte[HeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(header, _tag);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)_codec);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], _rawLength);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], stored);
        BinaryPrimitives.WriteUInt64LittleEndian(header[24..], hash.GetCurrentHashAsUInt64());
        _destination.Write(header);
        foreach (var block in _blocks)
            _destination.Write(block.Output());
    }

    /// <summary>Frees the blocks (waiting for those still being compressed); a section not finished is not written.</summary>
    public void Dispose()
    {
        _finished = true;
        if (_block is { } block)
        {
            _block = null;
            ArrayPool<byte>.Shared.Return(block);
        }
        foreach (var handedOver in _blocks)
            handedOver.Dispose();
        _blocks.Clear();
    }
}
