using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace HeapLens.Formats.HeapSnap;

/// <summary>
/// Reads sections in order, decompressing payloads straight into the caller's arrays and checking
/// each section's stored length and XxHash64 before the next one is read.
/// </summary>
internal sealed class SectionReader(Stream file, string path)
{
    public readonly record struct Header(uint Tag, uint Codec, long RawLength, long StoredLength, ulong Hash)
    {
        public string Name => SectionTag.Name(Tag);
    }

    private BoundedHashingStream? _stored;
    private DeflateStream? _payload;
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
        if (header.RawLength < 0 || header.StoredLength < 0 || (header.Codec != SectionWriter.CodecDeflate && header.Tag != SectionTag.End))
            throw Corrupt($"bad header of section '{header.Name}'");
        _current = header;
        _rawRead = 0;
        if (header.Tag != SectionTag.End)
        {
            _stored = new BoundedHashingStream(file, header.StoredLength, this);
            _payload = new DeflateStream(_stored, CompressionMode.Decompress, leaveOpen: true);
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

    public void Read<T>(Span<T> destination) where T : unmanaged => Read(MemoryMarshal.AsBytes(destination));

    public T[] ReadArray<T>(long count) where T : unmanaged
    {
        long bytes = count * Marshal.SizeOf<T>();
        if (count < 0 || count > Array.MaxLength || bytes != _current.RawLength - _rawRead)
            throw Corrupt($"section '{_current.Name}' holds {_current.RawLength - _rawRead} bytes, not {count} values");
        var values = GC.AllocateUninitializedArray<T>((int)count);
        Read<T>(values);
        return values;
    }

    public byte[] ReadRemaining()
    {
        long left = _current.RawLength - _rawRead;
        if (left > Array.MaxLength)
            throw Corrupt($"section '{_current.Name}' is too large");
        var bytes = new byte[left];
        Read(bytes);
        return bytes;
    }

    /// <summary>Ends the current section: all of it must have been read and its checksum must match.</summary>
    public void Finish()
    {
        if (_rawRead != _current.RawLength)
            throw Corrupt($"section '{_current.Name}' has {_current.RawLength - _rawRead} unexpected bytes");
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
