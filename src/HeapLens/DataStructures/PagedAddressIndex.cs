using HeapLens.Snapshots;

namespace HeapLens.DataStructures;

/// <summary>
/// Address lookup that uses the order of a heap walk: the GC walks each region from low to high
/// addresses, and regions are aligned far above 4 KB, so the objects that start in one 4 KB page
/// are consecutive nodes in ascending order. A small table maps each page to its first node and
/// count; a lookup is one probe of that table (a few MB, mostly in cache) and a binary search of a
/// few neighbouring objects: about one cache miss, where a hash costs two. Building it is one
/// sequential pass. When the nodes are not in walk order it declines, and the hash is used.
/// Each object keeps only its offset inside its page (2 bytes, in native memory freed by
/// <see cref="Dispose"/>): the index needs no array of 8-byte addresses, so a capture can keep its
/// addresses packed (<see cref="PackedAddresses"/>, about a byte each) while it resolves references.
/// </summary>
internal sealed class PagedAddressIndex : AddressIndex
{
    private const int PageShift = 12;
    private const ulong OffsetMask = (1UL << PageShift) - 1;

    private readonly NativeGrowthBuffer<ushort> _offsets;
    private readonly Dictionary<ulong, (int First, int Count)> _pages;

    private PagedAddressIndex(NativeGrowthBuffer<ushort> offsets, Dictionary<ulong, (int First, int Count)> pages)
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
        if (!_pages.TryGetValue(address >> PageShift, out var page))
            return -1;
        ReadOnlySpan<ushort> offsets = _offsets.Filled;
        ushort offset = (ushort)(address & OffsetMask);
        int low = page.First, high = page.First + page.Count - 1;
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

    public override void Dispose() => _offsets.Dispose();

    /// <summary>Builds the table from the addresses in node order, fed a span at a time.</summary>
    private sealed class Pages(int count)
    {
        private readonly NativeGrowthBuffer<ushort> _offsets = new(count);
        private readonly Dictionary<ulong, (int First, int Count)> _pages = [];
        private int _node;
        private int _runFirst;
        private ulong _runPage;
        private ulong _previous;

        /// <summary>False when the addresses are not in a heap walk's order (the table is then dropped).</summary>
        public bool Add(ReadOnlySpan<ulong> addresses)
        {
            Span<ushort> offsets = _offsets.Unfilled;
            if (addresses.Length > offsets.Length)
                throw new ArgumentException("More addresses than announced.", nameof(addresses));
            for (int i = 0; i < addresses.Length; i++)
            {
                ulong address = addresses[i];
                ulong page = address >> PageShift;
                if (_node + i > 0 && page == _runPage)
                {
                    if (address <= _previous)
                        return Decline(); // not ascending within a page: not a walk order
                }
                else
                {
                    if (_node + i > 0 && !_pages.TryAdd(_runPage, (_runFirst, _node + i - _runFirst)))
                        return Decline(); // a page seen twice: its objects are not consecutive
                    _runPage = page;
                    _runFirst = _node + i;
                }
                offsets[i] = (ushort)(address & OffsetMask);
                _previous = address;
            }
            _offsets.Commit(addresses.Length);
            _node += addresses.Length;
            return true;
        }

        public PagedAddressIndex? Finish()
        {
            if (_node > 0 && !_pages.TryAdd(_runPage, (_runFirst, _node - _runFirst)))
            {
                Decline();
                return null;
            }
            return new PagedAddressIndex(_offsets, _pages);
        }

        private bool Decline()
        {
            _offsets.Dispose();
            return false;
        }
    }
}
