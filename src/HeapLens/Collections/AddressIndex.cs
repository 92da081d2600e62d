using System.Numerics;
using System.Runtime.CompilerServices;

namespace HeapLens.Collections;

/// <summary>
/// Maps an object address to its node index. Open addressing with linear probing over an int
/// table that stores node indices only (the addresses themselves stay in the snapshot's array),
/// so it costs about 6 bytes per object instead of a Dictionary's ~24.
/// </summary>
public sealed class AddressIndex
{
    private readonly ulong[] _addresses;
    private readonly int[] _slots;
    private readonly int _shift;
    private readonly int _mask;

    public AddressIndex(ulong[] addresses)
    {
        _addresses = addresses;
        int capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, addresses.Length + addresses.Length / 2));
        _slots = new int[capacity];
        Array.Fill(_slots, -1);
        _mask = capacity - 1;
        _shift = 64 - BitOperations.Log2((uint)capacity);
        for (int node = 0; node < addresses.Length; node++)
        {
            int slot = Slot(addresses[node]);
            while (_slots[slot] >= 0)
            {
                if (_addresses[_slots[slot]] == addresses[node])
                    break; // a duplicate address keeps its first node
                slot = (slot + 1) & _mask;
            }
            if (_slots[slot] < 0)
                _slots[slot] = node;
        }
    }

    /// <summary>The node at <paramref name="address"/>, or -1 when no walked object starts there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ulong address)
    {
        int slot = Slot(address);
        while (true)
        {
            int node = _slots[slot];
            if (node < 0 || _addresses[node] == address)
                return node;
            slot = (slot + 1) & _mask;
        }
    }

    // Fibonacci hashing; objects are 8-byte aligned so the low 3 bits carry nothing.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Slot(ulong address) => (int)(((address >> 3) * 0x9E3779B97F4A7C15UL) >> _shift);
}
