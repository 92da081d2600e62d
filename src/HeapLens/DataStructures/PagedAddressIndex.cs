namespace HeapLens.DataStructures;

/// <summary>
/// Address lookup that uses the order of a heap walk: the GC walks each region from low to high
/// addresses, and regions are aligned far above 4 KB, so the objects that start in one 4 KB page
/// are consecutive nodes in ascending order. A small table maps each page to its first node and
/// count; a lookup is one probe of that table (a few MB, mostly in cache) and a binary search of a
/// few neighbouring addresses: about one cache miss, where a hash costs two. Building it is one
/// sequential pass. When the nodes are not in walk order it declines, and the hash is used.
/// </summary>
internal sealed class PagedAddressIndex : AddressIndex
{
    private const int PageShift = 12;

    private readonly ulong[] _addresses;
    private readonly Dictionary<ulong, (int First, int Count)> _pages;

    private PagedAddressIndex(ulong[] addresses, Dictionary<ulong, (int First, int Count)> pages)
    {
        _addresses = addresses;
        _pages = pages;
    }

    public static PagedAddressIndex? TryCreate(ulong[] addresses)
    {
        var pages = new Dictionary<ulong, (int First, int Count)>();
        int first = 0;
        for (int node = 1; node <= addresses.Length; node++)
        {
            if (node < addresses.Length && addresses[node] >> PageShift == addresses[first] >> PageShift)
            {
                if (addresses[node] <= addresses[node - 1])
                    return null; // not ascending within a page: not a walk order
                continue;
            }
            if (!pages.TryAdd(addresses[first] >> PageShift, (first, node - first)))
                return null; // a page seen twice: its objects are not consecutive
            first = node;
        }
        return new PagedAddressIndex(addresses, pages);
    }

    public override int Find(ulong address)
    {
        if (!_pages.TryGetValue(address >> PageShift, out var page))
            return -1;
        int low = page.First, high = page.First + page.Count - 1;
        while (low <= high)
        {
            int middle = (low + high) >>> 1;
            ulong at = _addresses[middle];
            if (at == address)
                return middle;
            if (at < address)
                low = middle + 1;
            else
                high = middle - 1;
        }
        return -1;
    }
}
