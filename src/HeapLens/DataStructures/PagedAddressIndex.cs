using HeapLens.Snapshots;

namespace HeapLens.DataStructures;

/// <summary>
/// Address lookup that uses the order of a heap walk: the GC walks each region from low to high
/// addresses, and regions are aligned far above 4 KB, so the objects that start in one 4 KB page
/// are consecutive nodes in ascending order. A <see cref="PageTable"/> maps each page to its first node
/// and count: a hash of the 4 MB blocks holding objects (a few hundred: 16 KB, in L1) and one flat array
/// of 1024 entries a block (2.1 MB for a 23.5M-object heap, where a Dictionary of its 275K pages took
/// 6.6 MB and two cache misses a lookup). A lookup reads one entry of that array, then binary-searches a
/// few neighbouring objects. Building it is one sequential pass. When the nodes are not in walk order (a
/// page comes back after other pages), or are so thin on their blocks that the table would cost more
/// than 4 bytes an object beyond 4 MB, it declines, and the hash is used.
/// Each object keeps only its offset inside its page (2 bytes, in native memory freed by
/// <see cref="Dispose"/>, asked for in huge pages like the builder's chunks): the index needs no array of
/// 8-byte addresses, so a capture can keep its addresses packed (<see cref="PackedAddresses"/>, about a
/// byte each) while it resolves references.
/// </summary>
internal sealed unsafe class PagedAddressIndex : AddressIndex
{
    private const int PageShift = 12;
    private const ulong OffsetMask = (1UL << PageShift) - 1;

    private ushort* _offsets;
    private readonly PageTable _pages;

    private PagedAddressIndex(ushort* offsets, PageTable pages)
    {
        _offsets = offsets;
        _pages = pages;
    }

    public static PagedAddressIndex? TryCreate(ulong[] addresses)
    {
        var pages = new Pages(addresses.Length);
        return pages.Add(addresses) ? pages.Finish() : null;
    }

    /// <summary>The index of packed addresses, built from their differences without unpacking them.</summary>
    public static PagedAddressIndex? TryCreate(PackedAddresses addresses)
    {
        var pages = new Pages(addresses.Count);
        var reader = addresses.ReadDifferences();
        var chunk = new ulong[1 << 16];
        ulong address = 0;
        int read;
        while ((read = reader.Read(chunk)) > 0)
        {
            for (int i = 0; i < read; i++)
                chunk[i] = address += chunk[i];
            if (!pages.Add(chunk.AsSpan(0, read)))
                return null;
        }
        return pages.Finish();
    }

    public override int Find(ulong address)
    {
        if (!_pages.TryGet(address >> PageShift, out int first, out int count))
            return -1;
        ushort* offsets = _offsets;
        ObjectDisposedException.ThrowIf(offsets is null, this);
        ushort offset = (ushort)(address & OffsetMask);
        int low = first, high = first + count - 1;
        while (low <= high)
        {
            int middle = (low + high) >>> 1;
            ushort at = offsets[middle];
            if (at == offset)
                return middle;
            if (at < offset)
                low = middle + 1;
            else
                high = middle - 1;
        }
        return -1;
    }

    public override void Dispose()
    {
        if (_offsets is not null)
            ChunkMemory.Free(_offsets);
        _offsets = null;
    }

    /// <summary>Room for a 2-byte offset per object, in whole huge pages.</summary>
    private static ushort* AllocateOffsets(int count)
    {
        const long HugePage = 2 << 20;
        long bytes = Math.Max(HugePage, (2L * count + HugePage - 1) / HugePage * HugePage);
        return (ushort*)ChunkMemory.Allocate((nuint)bytes);
    }

    /// <summary>Builds the table from the addresses in node order, fed a span at a time.</summary>
    private sealed class Pages(int count)
    {
        private ushort* _offsets = AllocateOffsets(count);
        // At most 4 bytes an object beyond the first 4 MB (a walk whose objects are that thin on its blocks goes to the hash).
        private readonly PageTable _pages = new(Math.Max(512 * 1024, count / 2));
        private int _node;
        private int _runFirst;
        private ulong _runPage;
        private ulong _previous;

        /// <summary>False when the addresses are not in a heap walk's order (the table is then dropped).</summary>
        // One pass over every object of a capture, in one short run: optimized from the first call.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public bool Add(ReadOnlySpan<ulong> addresses)
        {
            var offsets = new Span<ushort>(_offsets + _node, count - _node);
            if (addresses.Length > offsets.Length)
                throw new ArgumentException("More addresses than announced.", nameof(addresses));
            (ulong runPage, int runFirst, ulong previous) = (_runPage, _runFirst, _previous);
            for (int i = 0; i < addresses.Length; i++)
            {
                ulong address = addresses[i];
                ulong page = address >> PageShift;
                int node = _node + i;
                if (node > 0 && page == runPage)
                {
                    if (address <= previous)
                        return Decline(); // not ascending within a page: not a walk order
                }
                else
                {
                    if (node > 0 && !_pages.TryAdd(runPage, runFirst, node - runFirst))
                        return Decline(); // a page seen twice (its objects are not consecutive), or blocks too sparse
                    runPage = page;
                    runFirst = node;
                }
                offsets[i] = (ushort)(address & OffsetMask);
                previous = address;
            }
            (_runPage, _runFirst, _previous) = (runPage, runFirst, previous);
            _node += addresses.Length;
            return true;
        }

        public PagedAddressIndex? Finish()
        {
            if (_node > 0 && !_pages.TryAdd(_runPage, _runFirst, _node - _runFirst))
            {
                Decline();
                return null;
            }
            _pages.TrimExcess();
            return new PagedAddressIndex(_offsets, _pages);
        }

        private bool Decline()
        {
            ChunkMemory.Free(_offsets);
            _offsets = null;
            return false;
        }
    }
}
