using System.Buffers.Binary;
using System.IO.Hashing;

namespace HeapLens.Formats.Pprof;

/// <summary>
/// Passes a gzip file's decompressed bytes through and, at their end, checks them against the file's trailer
/// (its last 8 bytes: the CRC-32 of the data and its length mod 2^32, RFC 1952). .NET's GZipStream ends quietly
/// where a cut file ends, so a profile cut short would read as a smaller profile, or fail in the protobuf decoder
/// with a message about string indices. One gzip member is checked, the one every profiler writes: a file of
/// several members concatenated is refused by the same check.
/// </summary>
internal sealed class GzipTrailerCheck(Stream decompressed, ReadOnlyMemory<byte> trailer, Func<Exception> mismatch) : ReadOnlyStream
{
    private readonly Crc32 _crc = new();
    private long _length;
    private bool _checked;

    /// <summary>The last 8 bytes of <paramref name="file"/>, read without moving its position; null if it is shorter.</summary>
    public static byte[]? TrailerOf(FileStream file)
    {
        if (file.Length < 8)
            return null;
        var trailer = new byte[8];
        RandomAccess.Read(file.SafeFileHandle, trailer, file.Length - 8);
        return trailer;
    }

    public override int Read(Span<byte> buffer)
    {
        int read = decompressed.Read(buffer);
        if (read > 0)
        {
            _crc.Append(buffer[..read]);
            _length += read;
        }
        else if (buffer.Length > 0 && !_checked)
        {
            _checked = true;
            var expected = trailer.Span;
            if (_crc.GetCurrentHashAsUInt32() != BinaryPrimitives.ReadUInt32LittleEndian(expected)
                || (uint)_length != BinaryPrimitives.ReadUInt32LittleEndian(expected[4..]))
                throw mismatch();
        }
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            decompressed.Dispose();
        base.Dispose(disposing);
    }

    protected override long BytesRead => _length;
}
