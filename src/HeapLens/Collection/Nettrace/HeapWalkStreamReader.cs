using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HeapLens.Collection.Nettrace;

/// <summary>
/// Reads a heap walk straight from a nettrace stream (versions 4 and 5) into a <see cref="HeapWalkParser"/>:
/// only the runtime events a snapshot needs are decoded (GC start and end, suspension and restart, BulkType,
/// GCBulkNode, GCBulkEdge and the root events); every other event is skipped by its header alone. Values
/// go from the stream's buffer to the builder with no object per event.
/// Events are taken in stream order, which is time order for the events of one thread; TraceEvent sorts
/// the events of all threads by time. The walk's own events (nodes, edges, roots) come from one thread, and
/// the GC's start, end, suspension and restart, which may come from another (server GC), are put back in
/// time order around them (<see cref="HeldControlEvents"/>), so both readers take the same walk. A walk whose
/// events come from two threads is handed to TraceEvent (<see cref="UnsupportedNettraceException"/>) rather
/// than guessed at.
/// </summary>
internal sealed class HeapWalkStreamReader
{
    private const int MaxMetadataId = 1 << 16;

    private readonly Stream _stream;
    private readonly HeapWalkParser _parser;
    private readonly Snapshots.HeapGraphBuilder _builder;
    private readonly Dictionary<long, int> _threadSequence = [];
    private RuntimeEvent[] _kinds = new RuntimeEvent[256];
    private byte[] _versions = new byte[256];
    private TraceClock _clock;
    private long _lost;
    // The thread of the first walk event taken; the GC's control events of other threads wait in _held.
    private long _walkThread = -1;
    private readonly HeldControlEvents _held = new();
    // When the first walk event taken ahead of its GC's start was written (HeapWalkParser.Provisional).
    private long _provisionalSince;
    private volatile bool _stopped;

    public HeapWalkStreamReader(Stream stream, HeapWalkParser parser)
    {
        _stream = stream;
        _parser = parser;
        _builder = parser.Builder;
    }

    /// <summary>Events the runtime dropped, from gaps in the per-thread sequence numbers (as TraceEvent counts them).</summary>
    public int EventsLost => (int)Math.Min(_lost, int.MaxValue);

    public long BytesRead { get; private set; }

    /// <summary>Stops reading at the next block (from any thread).</summary>
    public void Stop() => _stopped = true;

    /// <summary>
    /// Reads the stream to its end. Throws <see cref="CorruptNettraceException"/> for a truncated or malformed
    /// stream and <see cref="UnsupportedNettraceException"/> for one TraceEvent must read.
    /// </summary>
    public void Read()
    {
        using var blocks = new NettraceBlocks(_stream);
        _clock = blocks.ReadHeader();
        while (!_stopped && blocks.Next(out var kind, out var block))
        {
            switch (kind)
            {
                case BlockKind.Metadata:
                    ReadEvents(block, metadata: true, blocks);
                    break;
                case BlockKind.Event:
                    ReadEvents(block, metadata: false, blocks);
                    break;
                case BlockKind.SequencePoint:
                    ReadSequencePoint(block, blocks);
                    break;
            }
            BytesRead = blocks.Position;
        }
        // The stream has ended: nothing earlier can come any more.
        while (!_stopped && _held.TryTakeBefore(long.MaxValue, out var held))
            Apply(held);
        if (!_stopped && _parser.Provisional)
            throw WalkWithoutItsGc;
    }

    // TraceEvent, reading in time order, counts such a walk as another session's and then reads the stream's own.
    private static UnsupportedNettraceException WalkWithoutItsGc => new("a heap walk that did not begin inside a GC this stream started");

    /// <summary>
    /// Decodes the event headers of one block (their compression state starts afresh in every block) and
    /// hands each wanted event's payload on.
    /// </summary>
    // A capture is one run of a short-lived process: its hot loops must not start in unoptimized tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadEvents(ReadOnlySpan<byte> block, bool metadata, NettraceBlocks blocks)
    {
        if (block.Length < 4)
            throw blocks.Corrupt("a block too short for its header");
        int headerSize = BinaryPrimitives.ReadUInt16LittleEndian(block);
        int flags = BinaryPrimitives.ReadUInt16LittleEndian(block[2..]);
        if (headerSize < 20 || headerSize > block.Length)
            throw blocks.Corrupt($"a block header of {headerSize} bytes");
        bool compressed = (flags & 1) != 0;

        int metadataId = 0;
        int sequence = 0;
        long captureThread = 0;
        long timestamp = 0;
        int payloadSize = 0;
        bool first = true;
        long thread = 0;
        int threadSequence = 0;

        int p = headerSize;
        while (p < block.Length)
        {
            bool sorted;
            if (compressed)
            {
                byte eventFlags = block[p++];
                if ((eventFlags & 1) != 0)
                    metadataId = (int)VarUInt32(block, ref p, blocks);
                if ((eventFlags & 2) != 0)
                {
                    sequence = unchecked(sequence + (int)VarUInt32(block, ref p, blocks));
                    captureThread = (long)VarUInt64(block, ref p, blocks);
                    VarUInt32(block, ref p, blocks); // processor number
                }
                if (metadataId != 0)
                    sequence = unchecked(sequence + 1);
                if ((eventFlags & 4) != 0)
                    VarUInt64(block, ref p, blocks); // thread id
                if ((eventFlags & 8) != 0)
                    VarUInt32(block, ref p, blocks); // stack id
                timestamp = unchecked(timestamp + (long)VarUInt64(block, ref p, blocks));
                int guids = ((eventFlags >> 4) & 1) + ((eventFlags >> 5) & 1);
                p += 16 * guids;
                sorted = (eventFlags & 64) != 0;
                if ((eventFlags & 128) != 0)
                    payloadSize = (int)VarUInt32(block, ref p, blocks);
            }
            else
            {
                // EventSize, MetadataId (high bit: sorted), SequenceNumber, ThreadId, CaptureThreadId,
                // ProcessorNumber, StackId, TimeStamp, ActivityId, RelatedActivityId, PayloadSize.
                const int HeaderBytes = 80;
                if (block.Length - p < HeaderBytes)
                    throw blocks.Corrupt("an event header runs past its block");
                var header = block.Slice(p, HeaderBytes);
                uint id = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
                metadataId = (int)(id & 0x7fffffff);
                sorted = (id & 0x80000000) != 0;
                sequence = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
                captureThread = BinaryPrimitives.ReadInt64LittleEndian(header[20..]);
                timestamp = BinaryPrimitives.ReadInt64LittleEndian(header[36..]);
                payloadSize = BinaryPrimitives.ReadInt32LittleEndian(header[76..]);
                p += HeaderBytes;
            }
            if (payloadSize < 0 || p > block.Length || payloadSize > block.Length - p)
                throw blocks.Corrupt("an event runs past the end of its block");
            var payload = block.Slice(p, payloadSize);
            p += payloadSize;
            if (!compressed)
                p = (p + 3) & ~3; // uncompressed events are 4-byte aligned (blocks start aligned)

            if (metadata)
            {
                ReadMetadata(payload, blocks);
                continue;
            }

            // Dropped events, the way TraceEvent counts them: a block's events belong to the thread of its
            // first event until an event marked sorted switches to its own capture thread.
            if (first || sorted)
            {
                if (!first)
                    _threadSequence[thread] = threadSequence;
                first = false;
                thread = captureThread;
                if (!_threadSequence.TryGetValue(thread, out threadSequence))
                    threadSequence = sequence - 1;
            }
            if (threadSequence != 0)
            {
                int dropped = unchecked(sequence - 1 - threadSequence);
                _lost += dropped < 0 ? int.MaxValue : dropped;
            }
            threadSequence = sequence;

            // A sorted event is the oldest not yet written: every event before it has been read, so the GC events
            // held before it are due. The walk thread's events come in time order, so one of them also releases
            // what is before it, unless the walk's GC start is still to come (provisional): until then a GC end
            // must not overtake it.
            if (sorted || (captureThread == _walkThread && !_parser.Provisional))
            {
                if (_held.Any)
                    ReleaseHeldBefore(timestamp);
                if (sorted && _parser.Provisional && timestamp > _provisionalSince)
                    throw WalkWithoutItsGc;
            }

            if ((uint)metadataId < (uint)_kinds.Length && _kinds[metadataId] != RuntimeEvent.Other)
                Dispatch(_kinds[metadataId], _versions[metadataId], payload, captureThread, timestamp, blocks);
        }
        if (!first)
            _threadSequence[thread] = threadSequence;
    }

    private void ReadSequencePoint(ReadOnlySpan<byte> block, NettraceBlocks blocks)
    {
        if (block.Length < 12)
            throw blocks.Corrupt("a sequence point too short");
        int threads = BinaryPrimitives.ReadInt32LittleEndian(block[8..]);
        if (threads < 0 || threads > (block.Length - 12) / 12)
            throw blocks.Corrupt($"a sequence point of {threads} threads");
        for (int i = 0; i < threads; i++)
        {
            var entry = block.Slice(12 + 12 * i, 12);
            long id = BinaryPrimitives.ReadInt64LittleEndian(entry);
            int sequence = BinaryPrimitives.ReadInt32LittleEndian(entry[8..]);
            if (_threadSequence.TryGetValue(id, out int last) && last != 0)
            {
                int dropped = unchecked(sequence - last);
                _lost += dropped < 0 ? int.MaxValue : dropped;
            }
            _threadSequence[id] = sequence;
        }
    }

    /// <summary>A metadata record: which runtime event (and which version of it) an id stands for.</summary>
    private void ReadMetadata(ReadOnlySpan<byte> payload, NettraceBlocks blocks)
    {
        if (payload.Length < 4)
            throw blocks.Corrupt("a metadata record too short");
        int id = BinaryPrimitives.ReadInt32LittleEndian(payload);
        int p = 4;
        var provider = Utf16(payload, ref p, blocks);
        if (payload.Length - p < 4)
            throw blocks.Corrupt("a metadata record too short");
        int eventId = BinaryPrimitives.ReadInt32LittleEndian(payload[p..]);
        p += 4;
        Utf16(payload, ref p, blocks); // event name (empty for the runtime's native events)
        if (payload.Length - p < 12)
            throw blocks.Corrupt("a metadata record too short");
        int version = BinaryPrimitives.ReadInt32LittleEndian(payload[(p + 8)..]);
        if (!provider.SequenceEqual(RuntimeEvents.ProviderName))
            return;
        var kind = RuntimeEvents.Of(eventId);
        if (kind == RuntimeEvent.Other)
            return;
        if (id <= 0 || id >= MaxMetadataId)
            throw new UnsupportedNettraceException($"a metadata id of {id}");
        if (id >= _kinds.Length)
        {
            Array.Resize(ref _kinds, Math.Max(id + 1, 2 * _kinds.Length));
            Array.Resize(ref _versions, _kinds.Length);
        }
        _kinds[id] = kind;
        _versions[id] = (byte)Math.Clamp(version, 0, 255);
    }

    private double RelativeMilliseconds(long timestamp)
    {
        // As TraceEvent computes TimeStampRelativeMSec, so that both readers give the same pause to the bit.
        if (timestamp < _clock.SyncTimeQpc)
            timestamp = _clock.SyncTimeQpc;
        long diff = timestamp - _clock.SyncTimeQpc;
        return diff * 1000.0 / _clock.QpcFrequency;
    }

    private DateTime LocalTime(long timestamp)
    {
        long ticks = (long)((timestamp - _clock.SyncTimeQpc) * 10000000.0 / _clock.QpcFrequency) + _clock.SyncTimeUtc.Ticks;
        if (ticks < 0 || DateTime.MaxValue.Ticks < ticks)
            ticks = DateTime.MaxValue.Ticks;
        return new DateTime(ticks, DateTimeKind.Utc).ToLocalTime();
    }

    // A capture is one run of a short-lived process: its hot loops must not start in unoptimized tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Dispatch(RuntimeEvent kind, int version, ReadOnlySpan<byte> payload, long captureThread, long timestamp, NettraceBlocks blocks)
    {
        ControlEvent control;
        switch (kind)
        {
            case RuntimeEvent.SuspendStart:
            case RuntimeEvent.RestartEnd:
                control = new ControlEvent(kind, timestamp, 0, 0, 0);
                break;
            case RuntimeEvent.GcStart:
                Need(payload, version >= 1 ? 16 : 4, blocks);
                control = new ControlEvent(kind, timestamp, I32(payload, 0), version >= 1 ? I32(payload, 4) : 0, version >= 1 ? I32(payload, 12) : 0);
                break;
            case RuntimeEvent.GcStop:
                Need(payload, 4, blocks);
                control = new ControlEvent(kind, timestamp, I32(payload, 0), 0, 0);
                break;
            case RuntimeEvent.BulkType:
                Types(payload, blocks);
                return;
            default:
                Walk(kind, payload, captureThread, timestamp, blocks);
                return;
        }
        // On the walk's thread it is in time order with the walk already; from another thread (or before the
        // walk's thread is known) it waits until the walk events before it have been read.
        if (captureThread == _walkThread && !_parser.Provisional)
            Apply(control);
        else
            _held.Hold(control);
    }

    private void ReleaseHeldBefore(long timestamp)
    {
        while (_held.TryTakeBefore(timestamp, out var held))
            Apply(held);
    }

    private void Apply(ControlEvent e)
    {
        double time = RelativeMilliseconds(e.Timestamp);
        switch (e.Kind)
        {
            case RuntimeEvent.SuspendStart:
                _parser.OnSuspendStart(time);
                break;
            case RuntimeEvent.RestartEnd:
                _parser.OnRestartEnd(time);
                break;
            case RuntimeEvent.GcStart:
                bool ahead = _parser.Provisional;
                if (_parser.OnGcStart(e.Count, e.Depth, e.Type, time, LocalTime(e.Timestamp)) && ahead && e.Timestamp > _provisionalSince)
                    throw WalkWithoutItsGc;
                break;
            case RuntimeEvent.GcStop:
                _parser.OnGcStop(e.Count, time);
                break;
        }
    }

    // A capture is one run of a short-lived process: its hot loops must not start in unoptimized tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Walk(RuntimeEvent kind, ReadOnlySpan<byte> payload, long captureThread, long timestamp, NettraceBlocks blocks)
    {
        if (_held.Any)
            ReleaseHeldBefore(timestamp);
        bool wasProvisional = _parser.Provisional;
        if (!_parser.AcceptAhead())
            return;
        if (_parser.Provisional && !wasProvisional)
            _provisionalSince = timestamp;
        if (_walkThread < 0)
            _walkThread = captureThread;
        else if (captureThread != _walkThread)
            throw new UnsupportedNettraceException("a heap walk whose events come from more than one thread");
        switch (kind)
        {
            case RuntimeEvent.BulkNode:
                Nodes(payload, blocks);
                break;
            case RuntimeEvent.BulkEdge:
                Edges(payload, blocks);
                break;
            case RuntimeEvent.BulkRootEdge:
                Roots(payload, blocks);
                break;
            case RuntimeEvent.BulkRootDependentHandle:
                DependentHandles(payload, blocks);
                break;
            case RuntimeEvent.BulkRootStaticVar:
                StaticRoots(payload, blocks);
                break;
        }
    }

    // Bulk events: Index (int), Count (int), ClrInstanceID (ushort), then Count fixed-size values.
    private const int BulkHeader = 10;

    private static int Values(ReadOnlySpan<byte> payload, int valueSize, NettraceBlocks blocks)
    {
        Need(payload, BulkHeader, blocks);
        int count = I32(payload, 4);
        if (count < 0)
            return 0;
        if (count > (payload.Length - BulkHeader) / valueSize)
            throw blocks.Corrupt($"an event announces {count} values and holds fewer");
        return count;
    }

    // A capture is one run of a short-lived process: its hot loops must not start in unoptimized tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Nodes(ReadOnlySpan<byte> payload, NettraceBlocks blocks)
    {
        // Address, Size, TypeID, EdgeCount: 8 bytes each.
        int count = Values(payload, 32, blocks);
        _parser.OnNodeBatch(I32(payload, 0));
        // The payload is the values' own layout (little endian, packed): read in place, in bulk.
        _builder.AddNodes(MemoryMarshal.Cast<byte, Snapshots.WalkNode>(payload.Slice(BulkHeader, 32 * count)));
    }

    // A capture is one run of a short-lived process: its hot loops must not start in unoptimized tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Edges(ReadOnlySpan<byte> payload, NettraceBlocks blocks)
    {
        // Value (the target's address), ReferencingFieldID (uint).
        int count = Values(payload, 12, blocks);
        _builder.AddEdges(MemoryMarshal.Cast<byte, Snapshots.WalkEdge>(payload.Slice(BulkHeader, 12 * count)));
    }

    private void Roots(ReadOnlySpan<byte> payload, NettraceBlocks blocks)
    {
        // RootedNodeAddress, GCRootKind (byte), GCRootFlag (uint), GCRootID.
        int count = Values(payload, 21, blocks);
        var values = payload.Slice(BulkHeader, 21 * count);
        for (int i = 0; i < values.Length; i += 21)
        {
            ulong address = U64(values, i);
            if (address == 0)
                continue;
            var kind = (Microsoft.Diagnostics.Tracing.Parsers.Clr.GCRootKind)values[i + 8];
            var flags = (Microsoft.Diagnostics.Tracing.Parsers.Clr.GCRootFlags)I32(values, i + 9);
            _builder.AddRoot(address, HeapWalkParser.KindOf(kind, flags));
        }
    }

    private void DependentHandles(ReadOnlySpan<byte> payload, NettraceBlocks blocks)
    {
        // GCKeyNodeID, GCValueNodeID, GCRootID.
        int count = Values(payload, 24, blocks);
        var values = payload.Slice(BulkHeader, 24 * count);
        for (int i = 0; i < values.Length; i += 24)
        {
            ulong key = U64(values, i);
            ulong value = U64(values, i + 8);
            if (key != 0 && value != 0)
                _builder.AddDependentEdge(key, value);
        }
    }

    private void StaticRoots(ReadOnlySpan<byte> payload, NettraceBlocks blocks)
    {
        // Count (int), AppDomainID (ulong), ClrInstanceID (ushort), then GCRootID, ObjectID, TypeID (ulong),
        // Flags (uint), FieldName (UTF-16, null-terminated).
        Need(payload, 14, blocks);
        int count = I32(payload, 0);
        int p = 14;
        for (int i = 0; i < count; i++)
        {
            Need(payload, p + 28, blocks);
            ulong slot = U64(payload, p);
            ulong address = U64(payload, p + 8);
            p += 28;
            var name = Utf16(payload, ref p, blocks);
            if (address != 0)
                _builder.AddStaticRoot(address, slot, new string(MemoryMarshal.Cast<byte, char>(name)));
        }
    }

    private void Types(ReadOnlySpan<byte> payload, NettraceBlocks blocks)
    {
        // Count (int), ClrInstanceID (ushort), then TypeID, ModuleID (ulong), TypeNameID, Flags (uint),
        // CorElementType (byte), TypeName (UTF-16, null-terminated), TypeParameterCount (int), its ulongs.
        Need(payload, 6, blocks);
        int count = I32(payload, 0);
        int p = 6;
        for (int i = 0; i < count; i++)
        {
            Need(payload, p + 25, blocks);
            ulong typeId = U64(payload, p);
            p += 25;
            var name = Utf16(payload, ref p, blocks);
            Need(payload, p + 4, blocks);
            int parameters = I32(payload, p);
            p += 4;
            if (parameters < 0 || parameters > (payload.Length - p) / 8)
                throw blocks.Corrupt($"a type with {parameters} type parameters");
            p += 8 * parameters;
            if (name.Length > 0)
                _builder.SetTypeName(typeId, new string(MemoryMarshal.Cast<byte, char>(name)));
        }
    }

    /// <summary>A null-terminated UTF-16 string at <paramref name="p"/> (without its terminator); p moves past it.</summary>
    private static ReadOnlySpan<byte> Utf16(ReadOnlySpan<byte> payload, ref int p, NettraceBlocks blocks)
    {
        var rest = payload[p..];
        for (int i = 0; i + 1 < rest.Length; i += 2)
        {
            if (rest[i] == 0 && rest[i + 1] == 0)
            {
                p += i + 2;
                return rest[..i];
            }
        }
        throw blocks.Corrupt("a string without its terminator");
    }

    private static void Need(ReadOnlySpan<byte> payload, int bytes, NettraceBlocks blocks)
    {
        if (payload.Length < bytes)
            throw blocks.Corrupt("an event shorter than its fields");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int I32(ReadOnlySpan<byte> span, int offset) => BinaryPrimitives.ReadInt32LittleEndian(span[offset..]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong U64(ReadOnlySpan<byte> span, int offset) =>
        Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref MemoryMarshal.GetReference(span), offset));

    private static uint VarUInt32(ReadOnlySpan<byte> block, ref int p, NettraceBlocks blocks)
    {
        ulong value = VarUInt64(block, ref p, blocks);
        if (value > uint.MaxValue)
            throw blocks.Corrupt("a 32-bit field that does not fit 32 bits");
        return (uint)value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong VarUInt64(ReadOnlySpan<byte> block, ref int p, NettraceBlocks blocks)
    {
        ulong value = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if ((uint)p >= (uint)block.Length)
                throw blocks.Corrupt("an event header runs past its block");
            byte b = block[p++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
                return value;
        }
        throw blocks.Corrupt("a variable-length number longer than 10 bytes");
    }
}
