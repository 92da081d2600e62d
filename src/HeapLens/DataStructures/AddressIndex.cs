using System.Runtime.CompilerServices;
using HeapLens.Snapshots;

namespace HeapLens.DataStructures;

/// <summary>
/// Maps an object address to its node index: -1 when no walked object starts there. Dispose it when done: the
/// page index holds native memory.
/// </summary>
public abstract class AddressIndex : IDisposable
{
    /// <summary>
    /// The page index when the nodes come in heap-walk order (as a snapshot's do), else the hash.
    /// </summary>
    public static AddressIndex For(ulong[] addresses) =>
        (AddressIndex?)PagedAddressIndex.TryCreate(addresses) ?? new HashedAddressIndex(addresses);

    /// <summary>
    /// <see cref="For(ulong[])"/> for packed addresses: the page index is built from them as they are; only an order
    /// that is not a heap walk's unpacks them, for the hash.
    /// </summary>
    public static AddressIndex For(PackedAddresses addresses) =>
        (AddressIndex?)PagedAddressIndex.TryCreate(addresses) ?? new HashedAddressIndex(addresses.Unpack());

    public abstract int Find(ulong address);

    public virtual void Dispose()
    {
    }
}

/// <summary>
/// Open addressing with linear probing over an int table that stores node indices only (the
/// addresses themselves stay in the snapshot's array), sized at 1.25 slots per object: 5 bytes
/// per object instead of a Dictionary's ~24. Works for any order; costs two cache misses a lookup.
/// </summary>
internal sealed class HashedAddressIndex : AddressIndex
{
    private readonly ulong[] _addresses;
    private readonly int[] _slots;
    private readonly uint _capacity;

    public HashedAddressIndex(ulong[] addresses)
    {
        _addresses = addresses;
        _capacity = (uint)Math.Max(16, addresses.Length + addresses.Length / 4);
        _slots = GC.AllocateUninitializedArray<int>((int)_capacity);
        Array.Fill(_slots, -1);
        for (int node = 0; node < addresses.Length; node++)
        {
            int slot = Slot(addresses[node]);
            while (_slots[slot] >= 0)
            {
                if (_addresses[_slots[slot]] == addresses[node])
                    break; // a duplicate address keeps its first node
                slot = Next(slot);
            }
            if (_slots[slot] < 0)
                _slots[slot] = node;
        }
    }

    public override int Find(ulong address)
    {
        int slot = Slot(address);
        while (true)
        {
            int node = _slots[slot];
            if (node < 0 || _addresses[node] == address)
                return node;
            slot = Next(slot);
        }
    }

    // Fibonacci hashing, then Lemire's multiply-shift to map onto any capacity (not only powers of
    // two). Objects are 8-byte aligned, so the low 3 address bits carry nothing.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Slot(ulong address)
    {
        uint hash = (uint)(((address >> 3) * 0x9E3779B97F4A7C15UL) >> 32);
        return (int)(((ulong)hash * _capacity) >> 32);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Next(int slot) => slot + 1 == _capacity ? 0 : slot + 1;
}
