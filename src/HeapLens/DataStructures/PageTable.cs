using System.Runtime.CompilerServices;

namespace HeapLens.DataStructures;

/// <summary>
/// The nodes of each 4 KB page of a heap walk, (First, Count), for <see cref="PagedAddressIndex"/>: a two-level
/// direct table. A heap's objects lie in a few hundred 4 MB-aligned GC regions, so pages are grouped in 4 MB
/// blocks: a tiny hash of the blocks seen (16 bytes a block, in L1 for a heap of a few GB) gives each block's
/// 1024 entries in one flat array, and a lookup reads one entry there. A Dictionary keyed by page cost two cache
/// misses a lookup (its buckets and its entries, 6.6 MB for 275K pages); this costs one, in a smaller array
/// (8 KB a block: ~2.4 MB for the same heap). Memory follows the blocks holding objects, never the address range;
/// a walk so sparse that its blocks would cost more than <c>maxEntries</c> is refused (the caller then uses a hash).
/// </summary>
internal sealed class PageTable
{
    private const int PagesPerBlockShift = 10; // 4 MB blocks of 4 KB pages
    private const int PagesPerBlock = 1 << PagesPerBlockShift;
    private const ulong NoBlock = ulong.MaxValue; // a block number is a page number >> 10: never all ones

    private readonly long _maxEntries;
    private (ulong Block, int Start)[] _blocks = NewBlocks(16);
    private int _blockShift = 64 - 4; // Fibonacci hashing into _blocks.Length slots
    private int _blockCount;
    // Per page: Count << 32 | First; 0 for a page where no object starts (a present page has Count >= 1).
    private ulong[] _entries = [];

    /// <param name="maxEntries">The most page entries (8 bytes each) the table may hold before it refuses a block.</param>
    public PageTable(long maxEntries) => _maxEntries = Math.Min(maxEntries, Array.MaxLength / PagesPerBlock * PagesPerBlock);

    /// <summary>The page entries allocated (8 bytes each): 1024 per block that holds an object.</summary>
    public long EntryCount => (long)_blockCount * PagesPerBlock;

    /// <summary>False when the page is already there, or when its block would take the table past its limit.</summary>
    public bool TryAdd(ulong page, int first, int count)
    {
        if (count <= 0)
            throw new ArgumentOutOfRangeException(nameof(count));
        int start = StartOf(page >> PagesPerBlockShift);
        if (start < 0 && (start = AddBlock(page >> PagesPerBlockShift)) < 0)
            return false;
        ref ulong entry = ref _entries[start + (int)(page & (PagesPerBlock - 1))];
        if (entry != 0)
            return false;
        entry = (ulong)(uint)count << 32 | (uint)first;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGet(ulong page, out int first, out int count)
    {
        int start = StartOf(page >> PagesPerBlockShift);
        ulong entry = start < 0 ? 0 : _entries[start + (int)(page & (PagesPerBlock - 1))];
        first = (int)(uint)entry;
        count = (int)(entry >> 32);
        return entry != 0;
    }

    /// <summary>Gives back the room the entries grew into but no block took (up to half of them).</summary>
    public void TrimExcess()
    {
        if (_entries.Length > EntryCount)
            Array.Resize(ref _entries, (int)EntryCount);
    }

    /// <summary>Where the block's entries start, or -1 when no object starts in it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int StartOf(ulong block)
    {
        var blocks = _blocks;
        int mask = blocks.Length - 1;
        for (int slot = Slot(block); ; slot = (slot + 1) & mask)
        {
            var (key, start) = blocks[slot];
            if (key == block)
                return start;
            if (key == NoBlock)
                return -1;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Slot(ulong block) => (int)((block * 0x9E3779B97F4A7C15UL) >> _blockShift);

    private int AddBlock(ulong block)
    {
        if (EntryCount + PagesPerBlock > _maxEntries)
            return -1;
        if (2 * (_blockCount + 1) > _blocks.Length)
            GrowBlocks();
        int start = _blockCount * PagesPerBlock;
        if (start + PagesPerBlock > _entries.Length)
            Array.Resize(ref _entries, (int)Math.Min(_maxEntries, Math.Max(16 * PagesPerBlock, 2L * _entries.Length)));
        Insert(_blocks, _blockShift, block, start);
        _blockCount++;
        return start;
    }

    /// <summary>Doubles the hash (kept at most half full, so that a missing block ends its probe soon).</summary>
    private void GrowBlocks()
    {
        var blocks = NewBlocks(2 * _blocks.Length);
        int shift = _blockShift - 1;
        foreach (var (block, start) in _blocks)
        {
            if (block != NoBlock)
                Insert(blocks, shift, block, start);
        }
        (_blocks, _blockShift) = (blocks, shift);
    }

    private static void Insert((ulong Block, int Start)[] blocks, int shift, ulong block, int start)
    {
        int mask = blocks.Length - 1;
        int slot = (int)((block * 0x9E3779B97F4A7C15UL) >> shift);
        while (blocks[slot].Block != NoBlock)
            slot = (slot + 1) & mask;
        blocks[slot] = (block, start);
    }

    private static (ulong Block, int Start)[] NewBlocks(int length)
    {
        var blocks = new (ulong Block, int Start)[length];
        Array.Fill(blocks, (NoBlock, -1));
        return blocks;
    }
}
