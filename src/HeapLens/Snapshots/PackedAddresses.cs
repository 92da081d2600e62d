using System.Numerics;
using HeapLens.DataStructures;

namespace HeapLens.Snapshots;

/// <summary>
/// Object addresses in about one byte per object instead of eight: in heap-walk order an address is
/// nearly always the previous one plus the previous object's size, so each is stored as its
/// difference from the previous one, in 7-bit groups (LEB128): one byte below 128. A step back
/// (rare: a jump to another heap region) wraps around and takes ten bytes. Most reports never look at addresses (they
/// go by node index); those that do unpack them once (a sequential pass, ~0.1 s per 20M objects).
/// </summary>
public sealed class PackedAddresses
{
    private readonly byte[] _bytes;

    private PackedAddresses(byte[] bytes, int count)
    {
        _bytes = bytes;
        Count = count;
    }

    public int Count { get; }

    /// <summary>Bytes held (for memory accounting).</summary>
    public int PackedBytes => _bytes.Length;

    /// <summary>The differences as stored: what a version-2 file's ADDR section holds, byte for byte.</summary>
    internal ReadOnlySpan<byte> Bytes => _bytes;

    // Every CheckpointEvery-th address and where the next one's difference starts: one address costs
    // at most CheckpointEvery - 1 decoded differences, and the checkpoints 0.2 bytes per object.
    private const int CheckpointEvery = 64;
    private (int[] Positions, ulong[] Addresses)? _checkpoints;

    /// <summary>The address of one object without unpacking them all (what a long-running server asks).</summary>
    public ulong At(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var (positions, addresses) = _checkpoints ??= Checkpoints();
        int checkpoint = index / CheckpointEvery;
        int position = positions[checkpoint];
        ulong address = addresses[checkpoint];
        for (int i = checkpoint * CheckpointEvery + 1; i <= index; i++)
            address += Read(ref position);
        return address;
    }

    /// <summary>The index of the object at <paramref name="address"/>, or -1: one sequential pass, nothing allocated.</summary>
    public int IndexOf(ulong address)
    {
        ulong current = 0;
        int position = 0;
        for (int i = 0; i < Count; i++)
        {
            current += Read(ref position);
            if (current == address)
                return i;
        }
        return -1;
    }

    private (int[], ulong[]) Checkpoints()
    {
        var positions = new int[(Count + CheckpointEvery - 1) / CheckpointEvery];
        var addresses = new ulong[positions.Length];
        ulong current = 0;
        int position = 0;
        for (int i = 0; i < Count; i++)
        {
            current += Read(ref position);
            if (i % CheckpointEvery == 0)
                (positions[i / CheckpointEvery], addresses[i / CheckpointEvery]) = (position, current);
        }
        return (positions, addresses);
    }

    private ulong Read(ref int position) => Decode(_bytes, ref position);

    /// <summary>One LEB128 difference at <paramref name="position"/>, which moves past it; one byte for most objects.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static ulong Decode(ReadOnlySpan<byte> bytes, ref int position)
    {
        byte b = bytes[position++];
        ulong difference = b;
        if (b < 0x80)
            return difference;
        difference &= 0x7F;
        int shift = 7;
        do
        {
            b = bytes[position++];
            difference |= (ulong)(b & 0x7F) << shift;
            shift += 7;
        } while (b >= 0x80);
        return difference;
    }

    /// <summary>The stored differences in order, a span at a time (a version-1 file's ADDR section holds them as uint64s), read without unpacking.</summary>
    public DifferenceReader ReadDifferences() => new(this);

    /// <summary>Reads the differences from the first on; each <see cref="Read"/> continues where the last one ended.</summary>
    public struct DifferenceReader(PackedAddresses packed)
    {
        private int _position;
        private int _done;

        /// <summary>Fills <paramref name="destination"/> with the next differences; returns how many (0 at the end).</summary>
        // A capture decodes every object's difference once, in one short run: optimized from the first call.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public int Read(Span<ulong> destination)
        {
            int count = Math.Min(destination.Length, packed.Count - _done);
            ReadOnlySpan<byte> bytes = packed._bytes;
            int position = _position;
            for (int i = 0; i < count; i++)
                destination[i] = Decode(bytes, ref position);
            _position = position;
            _done += count;
            return count;
        }
    }

    /// <summary>The most bytes one difference takes: 64 bits in 7-bit groups.</summary>
    internal const int MaxBytes = 10;

    /// <summary>
    /// Packs <paramref name="differences"/> into <paramref name="destination"/> (room for <see cref="MaxBytes"/> each
    /// at worst) as LEB128, each in its shortest form; returns the bytes written. The one encoding: the same differences
    /// always give the same bytes, whether packed in memory or on their way to a file.
    /// </summary>
    internal static int Encode(ReadOnlySpan<ulong> differences, Span<byte> destination)
    {
        int length = 0;
        foreach (ulong difference in differences)
        {
            ulong rest = difference;
            while (rest >= 0x80)
            {
                destination[length++] = (byte)(rest | 0x80);
                rest >>= 7;
            }
            destination[length++] = (byte)rest;
        }
        return length;
    }

    /// <summary>
    /// Checks packed differences from outside (a file's) a span at a time as they arrive, and counts them. Refused:
    /// a difference of more than <see cref="MaxBytes"/> bytes, or of ten whose last is above 1 (over 64 bits); one
    /// that ends in a zero byte after its first (longer than its shortest form: <see cref="Encode"/> never writes it,
    /// and accepting it would let the same addresses come back as other bytes); and, at the end, one left unfinished.
    /// </summary>
    internal sealed class Checker
    {
        private int _count;
        private int _length; // bytes of the difference not finished yet

        /// <summary>The differences finished so far.</summary>
        public int Count => _count;

        /// <summary>Checks the next bytes; returns what is wrong (to follow "has"), or null.</summary>
        // A load checks every object's byte once: optimized from the first call.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public string? Check(ReadOnlySpan<byte> bytes)
        {
            int count = _count, length = _length;
            while (!bytes.IsEmpty)
            {
                if (length == 0)
                {
                    // Between differences: the one-byte ones (nearly all) are counted a vector at a time.
                    int next = bytes.IndexOfAnyInRange((byte)0x80, (byte)0xFF);
                    if (next < 0)
                    {
                        count += bytes.Length;
                        break;
                    }
                    count += next;
                    bytes = bytes[next..];
                }
                byte b = bytes[0];
                bytes = bytes[1..];
                if (b < 0x80)
                {
                    if (length != 0)
                    {
                        if (b == 0)
                            return $"a difference longer than its shortest form (object {count})";
                        if (length == MaxBytes - 1 && b > 1)
                            return $"a difference over 64 bits (object {count})";
                        length = 0;
                    }
                    count++;
                }
                else if (++length == MaxBytes)
                {
                    return $"a difference longer than {MaxBytes} bytes (object {count})";
                }
            }
            (_count, _length) = (count, length);
            return null;
        }

        /// <summary>What is wrong with the end of the bytes (a difference left unfinished), or null.</summary>
        public string? CheckEnd() => _length == 0 ? null : $"an unfinished difference at its end (object {_count})";

        /// <summary>The addresses of the bytes this checker passed, all of them (<see cref="CheckEnd"/> included).</summary>
        public PackedAddresses Build(byte[] bytes) => new(bytes, _count);
    }

    public ulong[] Unpack()
    {
        var addresses = GC.AllocateUninitializedArray<ulong>(Count);
        ulong previous = 0;
        int position = 0;
        ReadOnlySpan<byte> bytes = _bytes;
        for (int i = 0; i < addresses.Length; i++)
        {
            previous += Decode(bytes, ref position);
            addresses[i] = previous;
        }
        return addresses;
    }

    /// <summary>
    /// Packs addresses as they come, in chunks of consecutive differences. The bytes grow in native
    /// memory and become one exact array at the end (no grown copies left behind for the GC).
    /// </summary>
    /// <param name="expectedCount">How many addresses to make room for at first.</param>
    /// <param name="maxBytes">The most bytes the packed addresses may take: by default one array's (smaller in tests).</param>
    public sealed class Builder(int expectedCount, int? maxBytes = null) : IDisposable
    {
        private readonly int _maxBytes = maxBytes ?? Array.MaxLength;
        // A quarter more than a byte an object, in long: beyond ~1.7 billion objects the int sum would wrap.
        private readonly NativeGrowthBuffer<byte> _bytes = new((int)Math.Clamp(expectedCount + expectedCount / 4L, 16, maxBytes ?? Array.MaxLength));
        private int _count;

        /// <summary>Addresses appended so far.</summary>
        public int Count => _count;

        /// <summary>Appends the next addresses, each given as its difference from the one before (the first from 0).</summary>
        /// <exception cref="HeapLensException">The packed addresses would take more than one array holds.</exception>
        public void AppendDifferences(ReadOnlySpan<ulong> differences)
        {
            // Room for a whole chunk at its worst (ten bytes a value) is checked once, not per value; only near the
            // limit is the chunk's exact length counted, and a heap whose addresses do not fit refused in words.
            long worst = _bytes.Count + (long)MaxBytes * differences.Length;
            if (worst > _bytes.Capacity)
            {
                long needed = worst <= _maxBytes ? worst : _bytes.Count + EncodedLength(differences);
                if (needed > _maxBytes)
                    throw new HeapLensException(
                        $"the heap's object addresses take more than {_maxBytes:N0} bytes packed, more than HeapLens holds ({_count:N0} objects so far)");
                _bytes.Grow((int)Math.Min(_maxBytes, Math.Max(needed, _bytes.Capacity * 3L / 2)));
            }
            _bytes.Commit(Encode(differences, _bytes.Unfilled));
            _count += differences.Length;
        }

        private static long EncodedLength(ReadOnlySpan<ulong> differences)
        {
            long length = 0;
            foreach (ulong difference in differences)
                length += BitOperations.Log2(difference | 1) / 7 + 1;
            return length;
        }

        public PackedAddresses Build() => new(_bytes.ToArray(), _count);

        public void Dispose() => _bytes.Dispose();
    }
}
