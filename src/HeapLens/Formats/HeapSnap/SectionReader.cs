using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using HeapLens.DataStructures;

namespace HeapLens.Formats.HeapSnap;

/// <summary>
/// Reads sections in order, decompressing payloads straight into the caller's arrays and checking
/// each section's stored length and XxHash64 before the next one is read.
/// Lengths in a header are claims, not facts: a stored length must fit in what is left of the file,
/// a raw length must be one the section's codec can reach from the stored bytes, and arrays grow only
/// as decompressed bytes actually arrive, so a small file cannot make the reader allocate gigabytes.
/// </summary>
/// <param name="version">The file's format version: version 1 holds DEFLATE sections only, version 2 also LZ4 blocks.</param>
internal sealed class SectionReader(Stream file, string path, int version = HeapSnapFile.Version)
{
    /// <summary>
    /// DEFLATE's best case: a run of one byte costs about 1 bit per 258 output bytes, so one stored
    /// byte never yields more than 1032 raw bytes (plus a few for block headers).
    /// </summary>
    internal const long MaxDeflateRatio = 1032;

    /// <summary>Allocated up front without question: a section this small costs nothing.</summary>
    private const long EagerBytes = 64L << 10;

    /// <summary>
    /// Real heaps deflate to well under 1/32 of their raw size only when they are nearly uniform;
    /// beyond that an array grows with the data instead of trusting the header.
    /// </summary>
    private const long PlausibleRatio = 32;

    /// <summary>What one read or write of a span moves at most: spans over 2 GB cannot be viewed as bytes.</summary>
    internal const int ChunkBytes = 1 << 24;

    public readonly record struct Header(uint Tag, uint Codec, long RawLength, long StoredLength, ulong Hash)
    {
        public string Name => SectionTag.Name(Tag);
    }

    private BoundedHashingStream? _stored;
    private Stream? _payload;
    private Header _current;
    private long _rawRead;

    public Header Next()
    {
        Span<byte> bytes = stackalloc byte[SectionWriter.HeaderSize];
        ReadExactly(file, bytes);
        var header = new Header(
            BinaryPrimitives.ReadUInt32LittleEndian(bytes),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]));
        if (header.RawLength < 0 || header.StoredLength < 0 || (version == 1 && header.Codec != (uint)SectionCodec.Deflate && header.Tag != SectionTag.End))
            throw Corrupt($"bad header of section '{header.Name}'");
        if (header.Tag != SectionTag.End && header.Codec is not ((uint)SectionCodec.Deflate or (uint)SectionCodec.Lz4Blocks))
            throw Corrupt($"section '{header.Name}' uses codec {header.Codec}, which this HeapLens does not read");
        if (file.CanSeek && header.StoredLength > file.Length - file.Position)
            throw Truncated();
        if (header.Codec == (uint)SectionCodec.Lz4Blocks)
        {
            if (header.StoredLength > long.MaxValue / Lz4Blocks.MaxRatio || header.RawLength > header.StoredLength * Lz4Blocks.MaxRatio)
                throw Corrupt($"section '{header.Name}' claims {header.RawLength:N0} bytes from {header.StoredLength:N0} stored, more than LZ4 can expand to");
        }
        else if (header.StoredLength > long.MaxValue / MaxDeflateRatio || header.RawLength > header.StoredLength * MaxDeflateRatio + 64)
        {
            throw Corrupt($"section '{header.Name}' claims {header.RawLength:N0} bytes from {header.StoredLength:N0} stored, more than DEFLATE can expand to");
        }
        _current = header;
        _rawRead = 0;
        if (header.Tag != SectionTag.End)
        {
            _stored = new BoundedHashingStream(file, header.StoredLength, this);
            _payload = header.Codec == (uint)SectionCodec.Lz4Blocks
                ? new Lz4BlockStream(_stored, header.StoredLength, header.RawLength, what => Corrupt($"section '{header.Name}' has {what}"))
                : new DeflateStream(_stored, CompressionMode.Decompress, leaveOpen: true);
        }
        return header;
    }

    public void Read(Span<byte> destination)
    {
        if (_rawRead + destination.Length > _current.RawLength)
            throw Corrupt($"section '{_current.Name}' is shorter than its contents need");
        try
        {
            _payload!.ReadExactly(destination);
        }
        catch (EndOfStreamException)
        {
            throw Corrupt($"section '{_current.Name}' ends early");
        }
        catch (InvalidDataException)
        {
            throw Corrupt($"section '{_current.Name}' does not decompress");
        }
        _rawRead += destination.Length;
    }

    /// <summary>Reads values in chunks: a span of 2 GB or more cannot be seen as one span of bytes.</summary>
    public void Read<T>(Span<T> destination) where T : unmanaged => Read(destination, arrived: null);

    /// <summary>What a checked read decompresses before it hands the values over: small enough to be checked while in the cache.</summary>
    private const int CheckedChunkBytes = 1 << 20;

    private void Read<T>(Span<T> destination, Action<ReadOnlySpan<T>>? arrived) where T : unmanaged
    {
        int chunk = (arrived is null ? ChunkBytes : CheckedChunkBytes) / Unsafe.SizeOf<T>();
        for (int at = 0; at < destination.Length; at += chunk)
        {
            var part = destination.Slice(at, Math.Min(chunk, destination.Length - at));
            Read(MemoryMarshal.AsBytes(part));
            arrived?.Invoke(part);
        }
    }

    /// <summary>
    /// Reads the rest of the section as <paramref name="count"/> values. Room starts at what the
    /// stored bytes make plausible and doubles only while decompressed data keeps arriving, so memory
    /// follows the data, not the header. It grows in native memory (see <see cref="NativeGrowthBuffer{T}"/>):
    /// the managed array is allocated once, at its final size, and nothing is left for the GC.
    /// </summary>
    /// <param name="arrived">Given the values a chunk at a time as they arrive, in order, to check them (it throws to refuse).</param>
    public T[] ReadArray<T>(long count, Action<ReadOnlySpan<T>>? arrived = null) where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        long left = _current.RawLength - _rawRead;
        if (count < 0 || count > Array.MaxLength || count * size != left)
            throw Corrupt($"section '{_current.Name}' holds {left:N0} bytes, not {count:N0} values");
        long trusted = Math.Max(EagerBytes, _current.StoredLength * PlausibleRatio) / size;
        if (count <= trusted)
        {
            var values = GC.AllocateUninitializedArray<T>((int)count);
            Read<T>(values, arrived);
            return values;
        }
        using var growing = new NativeGrowthBuffer<T>((int)trusted);
        while (true)
        {
            var room = growing.Unfilled;
            Read(room, arrived);
            growing.Commit(room.Length);
            if (growing.Count == count)
                return growing.ToArray();
            growing.Grow((int)Math.Min(count, 2L * growing.Count));
        }
    }

    public byte[] ReadRemaining() => ReadArray<byte>(_current.RawLength - _rawRead);

    /// <summary>Ends the current section: all of it must have been read and its checksum must match.</summary>
    public void Finish()
    {
        if (_rawRead != _current.RawLength)
            throw Corrupt($"section '{_current.Name}' has {_current.RawLength - _rawRead} unexpected bytes");
        if (_payload is Lz4BlockStream { StoredLeft: > 0 } blocks)
            throw Corrupt($"section '{_current.Name}' has {blocks.StoredLeft:N0} stored bytes after its last block");
        _payload!.Dispose();
        _stored!.SkipToEnd();
        if (_stored.Hash != _current.Hash)
            throw Corrupt($"checksum mismatch in section '{_current.Name}'");
        _payload = null;
        _stored = null;
    }

    /// <summary>Skips a section this version does not know (written by a newer HeapLens).</summary>
    public void Skip()
    {
        _payload!.Dispose();
        _stored!.SkipToEnd();
        _payload = null;
        _stored = null;
    }

    public string Path => path;

    /// <summary>The file's format version (the layout of some sections depends on it).</summary>
    public int Version => version;

    internal HeapLensException Corrupt(string what) => new($"{path} is corrupt: {what}");

    internal HeapLensException Truncated() => new($"{path} is truncated (an incomplete or interrupted write?)");

    private void ReadExactly(Stream stream, Span<byte> buffer)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException)
        {
            throw Truncated();
        }
    }

    /// <summary>Exposes exactly a section's stored bytes of the file, hashing what passes.</summary>
    private sealed class BoundedHashingStream(Stream inner, long length, SectionReader owner) : Stream
    {
        private readonly XxHash64 _hash = new();
        private long _left = length;

        public ulong Hash => _hash.GetCurrentHashAsUInt64();

        public override int Read(Span<byte> buffer)
        {
            if (_left == 0)
                return 0;
            int read = inner.ReadAtLeast(buffer[..(int)Math.Min(buffer.Length, _left)], 1, throwOnEndOfStream: false);
            if (read == 0)
                throw owner.Truncated();
            _hash.Append(buffer[..read]);
            _left -= read;
            return read;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public void SkipToEnd()
        {
            var scratch = new byte[64 * 1024];
            while (_left > 0)
                _ = ReadAtLeast(scratch, 1); // Read throws on a premature end; what was read is hashed
        }

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
