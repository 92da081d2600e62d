using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace HeapLens.Collection.Nettrace;

internal enum BlockKind : byte
{
    Event,
    Metadata,
    Stack,
    SequencePoint,
}

/// <summary>The trace object's fields: how timestamps become times.</summary>
internal readonly record struct TraceClock(DateTime SyncTimeUtc, long SyncTimeQpc, long QpcFrequency, int PointerSize, int ProcessId);

/// <summary>
/// The framing of a nettrace stream of versions 4 and 5 (FastSerialization objects): the "Nettrace" magic,
/// the trace object, then blocks (EventBlock, MetadataBlock, StackBlock, SPBlock) until the null tag.
/// Hands out each block as a span of one pooled buffer, valid until the next block is asked for; nothing
/// is allocated per block. Format: NetTraceFormat_v5.md in microsoft/perfview (src/TraceEvent/EventPipe).
/// </summary>
internal sealed class NettraceBlocks : IDisposable
{
    private const byte NullReference = 1;
    private const byte BeginPrivateObject = 5;
    private const byte EndObject = 6;
    // A runtime writes blocks of at most a few hundred KB; anything near this limit is not a block.
    private const int MaxBlockBytes = 64 << 20;
    private const int InitialBuffer = 1 << 20;

    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private long _bufferOffset; // stream offset of _buffer[0]
    private bool _streamEnded;

    public NettraceBlocks(Stream stream)
    {
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
    }

    /// <summary>Bytes of the stream consumed so far.</summary>
    public long Position => _bufferOffset + _start;

    /// <summary>Reads the magic and the trace object. Throws <see cref="UnsupportedNettraceException"/> for other versions.</summary>
    public TraceClock ReadHeader()
    {
        if (!TryEnsure(8) || !Available(8).SequenceEqual("Nettrace"u8))
        {
            if (_end - _start >= 4 && Available(4).SequenceEqual("\u0014\0\0\0"u8))
                throw new UnsupportedNettraceException("a .netperf stream (before nettrace)");
            throw Corrupt("not a nettrace stream (it does not start with \"Nettrace\")");
        }
        _start += 8;
        uint next = ReadUInt32();
        if (next == 0)
            throw new UnsupportedNettraceException("a nettrace stream of version 6 or later");
        if (next != 20 || !Take(20).SequenceEqual("!FastSerialization.1"u8))
            throw Corrupt("not a nettrace stream (no FastSerialization header)");

        ExpectTag(BeginPrivateObject, "the trace object");
        var name = ReadObjectType(out int version, out _);
        if (!name.SequenceEqual("Trace"u8))
            throw Corrupt("the stream does not begin with its trace object");
        if (version != 4)
            throw new UnsupportedNettraceException($"a nettrace stream whose trace object has version {version}");
        Span<short> time = stackalloc short[8]; // year, month, day of week, day, hour, minute, second, ms
        for (int i = 0; i < 8; i++)
            time[i] = BinaryPrimitives.ReadInt16LittleEndian(Take(2));
        DateTime syncTime;
        try
        {
            syncTime = new DateTime(time[0], time[1], time[3], time[4], time[5], time[6], time[7], DateTimeKind.Utc);
        }
        catch (ArgumentException)
        {
            throw Corrupt("the trace object's start time is not a date");
        }
        long syncQpc = ReadInt64();
        long frequency = ReadInt64();
        int pointerSize = ReadInt32();
        int processId = ReadInt32();
        Take(8); // number of processors, expected CPU sampling rate
        ExpectTag(EndObject, "the trace object");
        if (frequency <= 0)
            throw Corrupt("the trace object's clock frequency is not positive");
        if (!BitConverter.IsLittleEndian)
            throw new UnsupportedNettraceException("a big-endian machine (the fast reader reads values in place)");
        if (pointerSize != 8)
            throw new UnsupportedNettraceException($"a trace of a process with {pointerSize}-byte pointers");
        return new TraceClock(syncTime, syncQpc, frequency, pointerSize, processId);
    }

    /// <summary>The next block; false at the end of the stream (its null tag).</summary>
    public bool Next(out BlockKind kind, out ReadOnlySpan<byte> block)
    {
        block = default;
        kind = default;
        byte tag = ReadByte();
        if (tag == NullReference)
            return false;
        if (tag != BeginPrivateObject)
            throw Corrupt($"expected an object, found tag {tag}");
        var name = ReadObjectType(out int version, out int minimumReaderVersion);
        kind = name.SequenceEqual("EventBlock"u8) ? BlockKind.Event
            : name.SequenceEqual("MetadataBlock"u8) ? BlockKind.Metadata
            : name.SequenceEqual("StackBlock"u8) ? BlockKind.Stack
            : name.SequenceEqual("SPBlock"u8) ? BlockKind.SequencePoint
            : throw new UnsupportedNettraceException($"an object named {Printable(name)}");
        if (minimumReaderVersion > 2 || version < 2)
            throw new UnsupportedNettraceException($"a {kind} block of version {version}");
        int size = ReadInt32();
        if (size < 0 || size > MaxBlockBytes)
            throw Corrupt($"a block of {size} bytes");
        int padding = (int)((4 - Position % 4) % 4);
        Take(padding);
        Ensure(size + 1);
        block = new ReadOnlySpan<byte>(_buffer, _start, size);
        _start += size;
        ExpectTag(EndObject, $"a {kind} block");
        return true;
    }

    public CorruptNettraceException Corrupt(string what) => new($"corrupt event stream at byte {Position:N0}: {what}");

    private ReadOnlySpan<byte> ReadObjectType(out int version, out int minimumReaderVersion)
    {
        ExpectTag(BeginPrivateObject, "an object's type");
        ExpectTag(NullReference, "an object's type");
        version = ReadInt32();
        minimumReaderVersion = ReadInt32();
        int length = ReadInt32();
        if (length is <= 0 or > 64)
            throw Corrupt($"a type name of {length} bytes");
        Ensure(length + 1);
        var name = new ReadOnlySpan<byte>(_buffer, _start, length);
        _start += length;
        if (_buffer[_start] != EndObject)
            throw Corrupt("an object's type does not end where it should");
        _start++;
        return name;
    }

    private static string Printable(ReadOnlySpan<byte> name) => SafeText.Of(Encoding.UTF8.GetString(name));

    private void ExpectTag(byte tag, string where)
    {
        byte found = ReadByte();
        if (found != tag)
            throw Corrupt($"{where} is malformed (tag {found} where {tag} belongs)");
    }

    private byte ReadByte()
    {
        Ensure(1);
        return _buffer[_start++];
    }

    private uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    private int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    private long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    private ReadOnlySpan<byte> Take(int count)
    {
        Ensure(count);
        var span = new ReadOnlySpan<byte>(_buffer, _start, count);
        _start += count;
        return span;
    }

    private ReadOnlySpan<byte> Available(int count) => new(_buffer, _start, count);

    private void Ensure(int count)
    {
        if (!TryEnsure(count))
            throw new CorruptNettraceException($"the event stream is truncated: it ends at byte {_bufferOffset + _end:N0}, inside an object");
    }

    /// <summary>Makes <paramref name="count"/> bytes available at _start, reading as needed; false if the stream ends first.</summary>
    private bool TryEnsure(int count)
    {
        if (_end - _start >= count)
            return true;
        if (_buffer.Length - _start < count)
        {
            int kept = _end - _start;
            if (_buffer.Length < count)
            {
                var larger = ArrayPool<byte>.Shared.Rent(Math.Max(count, 2 * _buffer.Length));
                _buffer.AsSpan(_start, kept).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
            }
            else
            {
                _buffer.AsSpan(_start, kept).CopyTo(_buffer);
            }
            _bufferOffset += _start;
            _start = 0;
            _end = kept;
        }
        while (_end - _start < count && !_streamEnded)
        {
            int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
                _streamEnded = true;
            _end += read;
        }
        return _end - _start >= count;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
