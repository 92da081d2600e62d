using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HeapLens.Formats.HeapSnap;

/// <summary>
/// Writes one section: a 36-byte header (tag, codec, raw length, stored length, XxHash64 of the stored
/// bytes) and the deflated payload. The header is written as a placeholder and patched when the
/// payload is done, so payloads stream through the compressor without being buffered.
/// </summary>
internal sealed class SectionWriter : IDisposable
{
    public const int HeaderSize = 4 + 4 + 8 + 8 + 8;
    public const uint CodecDeflate = 1;

    private readonly Stream _file;
    private readonly long _headerPosition;
    private readonly uint _tag;
    private readonly HashingStream _stored;
    private readonly DeflateStream _deflate;
    private long _rawLength;

    public SectionWriter(Stream file, uint tag)
    {
        _file = file;
        _tag = tag;
        _headerPosition = file.Position;
        file.Write(new byte[HeaderSize]);
        _stored = new HashingStream(file);
        _deflate = new DeflateStream(_stored, CompressionLevel.Fastest, leaveOpen: true);
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        _deflate.Write(bytes);
        _rawLength += bytes.Length;
    }

    /// <summary>Writes values in chunks: a span of 2 GB or more cannot be seen as one span of bytes.</summary>
    public void Write<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        int chunk = SectionReader.ChunkBytes / Unsafe.SizeOf<T>();
        for (int at = 0; at < values.Length; at += chunk)
            Write(MemoryMarshal.AsBytes(values.Slice(at, Math.Min(chunk, values.Length - at))));
    }

    public void Dispose()
    {
        _deflate.Dispose();
        long end = _file.Position;
        Span<byte> header = stackalloc byte[HeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(header, _tag);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], CodecDeflate);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], _rawLength);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], _stored.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(header[24..], _stored.Hash);
        _file.Position = _headerPosition;
        _file.Write(header);
        _file.Position = end;
    }

    /// <summary>Passes writes through to the file, hashing and counting them.</summary>
    private sealed class HashingStream(Stream inner) : Stream
    {
        private readonly XxHash64 _hash = new();

        public override long Length => _length;
        private long _length;
        public ulong Hash => _hash.GetCurrentHashAsUInt64();

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.Append(buffer);
            _length += buffer.Length;
            inner.Write(buffer);
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
