using CsCheck;
using HeapLens.DataStructures;
using HeapLens.Snapshots;
using Xunit;

namespace HeapLens.Tests.DataStructures;

public class AddressIndexTests
{
    /// <summary>A heap-walk-like layout: regions (4 MB aligned, in any order), objects ascending in each.</summary>
    private static readonly Gen<ulong[]> WalkOrder =
        Gen.Int[1, 6].SelectMany(regions => Gen.Int[1, 400].Array[regions].Select(counts =>
        {
            var addresses = new List<ulong>();
            var random = new Random(counts.Sum());
            foreach (int region in Enumerable.Range(0, regions).OrderBy(_ => random.Next()))
            {
                ulong at = 0x7f00_0000_0000UL + ((ulong)region << 22);
                for (int i = 0; i < counts[region]; i++)
                {
                    addresses.Add(at);
                    at += (ulong)(24 + 8 * random.Next(0, 200)); // sometimes several pages apart
                }
            }
            return addresses.ToArray();
        }));

    [Fact]
    public void Both_indexes_find_every_object_and_nothing_else()
    {
        WalkOrder.Sample(addresses =>
        {
            using var paged = PagedAddressIndex.TryCreate(addresses);
            Assert.NotNull(paged);
            var hashed = new HashedAddressIndex(addresses);
            for (int node = 0; node < addresses.Length; node++)
            {
                Assert.Equal(node, paged.Find(addresses[node]));
                Assert.Equal(node, hashed.Find(addresses[node]));
                Assert.Equal(-1, paged.Find(addresses[node] + 8));
                Assert.Equal(-1, hashed.Find(addresses[node] + 8));
            }
            Assert.Equal(-1, paged.Find(0x10));
        }, iter: 300);
    }

    [Fact]
    public void The_page_index_of_packed_addresses_finds_what_the_index_of_the_array_finds()
    {
        WalkOrder.Sample(addresses =>
        {
            using var fromArray = PagedAddressIndex.TryCreate(addresses);
            using var fromPacked = AddressIndex.For(Packed(addresses));
            Assert.NotNull(fromArray);
            Assert.IsType<PagedAddressIndex>(fromPacked);
            for (int node = 0; node < addresses.Length; node++)
            {
                Assert.Equal(node, fromPacked.Find(addresses[node]));
                Assert.Equal(-1, fromPacked.Find(addresses[node] + 8));
                ulong samePlaceInAnotherPage = addresses[node] ^ 0x1000; // sometimes another object's address
                Assert.Equal(Array.IndexOf(addresses, samePlaceInAnotherPage), fromPacked.Find(samePlaceInAnotherPage));
            }
        }, iter: 100);
    }

    [Fact]
    public void Packed_addresses_out_of_walk_order_are_found_through_the_hash()
    {
        var shuffled = new ulong[] { 0x5000, 0x1000, 0x1100, 0x5040, 0x9000 };
        Assert.Null(PagedAddressIndex.TryCreate(Packed(shuffled)));
        using var index = AddressIndex.For(Packed(shuffled));
        Assert.IsType<HashedAddressIndex>(index);
        for (int node = 0; node < shuffled.Length; node++)
            Assert.Equal(node, index.Find(shuffled[node]));
        Assert.Equal(-1, index.Find(0x1040));
    }

    private static PackedAddresses Packed(ulong[] addresses)
    {
        using var builder = new PackedAddresses.Builder(addresses.Length);
        ulong previous = 0;
        foreach (ulong address in addresses)
        {
            builder.AppendDifferences([address - previous]);
            previous = address;
        }
        return builder.Build();
    }

    [Fact]
    public void The_paged_index_declines_an_order_that_is_not_a_heap_walk()
    {
        // Descending within a page, and a page whose objects are not consecutive.
        Assert.Null(PagedAddressIndex.TryCreate([0x1100, 0x1080]));
        Assert.Null(PagedAddressIndex.TryCreate([0x1000, 0x9000, 0x1100]));

        var shuffled = new ulong[] { 0x5000, 0x1000, 0x1100, 0x5040, 0x9000 };
        var index = AddressIndex.For(shuffled);
        Assert.IsType<HashedAddressIndex>(index);
        for (int node = 0; node < shuffled.Length; node++)
            Assert.Equal(node, index.Find(shuffled[node]));
    }

    private const ulong Block = 4 << 20; // the page table's blocks: 1024 pages of 4 KB

    [Fact]
    public void Objects_on_both_sides_of_a_block_boundary_are_found_in_their_own_block()
    {
        ulong boundary = 0x7f00_0000_0000UL + 5 * Block;
        // The last page of one block (its first and last object), then the first page of the next.
        ulong[] addresses = [boundary - 0x1000, boundary - 0x18, boundary, boundary + 0xFE8];
        using var index = PagedAddressIndex.TryCreate(addresses);
        Assert.NotNull(index);
        Assert.Equal(0, index.Find(boundary - 0x1000));
        Assert.Equal(1, index.Find(boundary - 0x18));
        Assert.Equal(2, index.Find(boundary));
        Assert.Equal(3, index.Find(boundary + 0xFE8));
        Assert.Equal(-1, index.Find(boundary - 8));
        Assert.Equal(-1, index.Find(boundary + 8));
        Assert.Equal(-1, index.Find(boundary - 0x1000 - 0x18)); // the page below the last one: no object
        Assert.Equal(-1, index.Find(boundary + 0x1000)); // the page above the first one: no object
        Assert.Equal(-1, index.Find(boundary - Block)); // the first page of the lower block: no object
        Assert.Equal(-1, index.Find(boundary + Block)); // the next block: none at all
    }

    [Fact]
    public void The_first_and_last_page_of_a_block_and_an_empty_page_between_them()
    {
        ulong start = 0x2000_0000_0000UL;
        ulong[] addresses = [start, start + 0x20, start + Block - 0x1000, start + Block - 8];
        using var index = PagedAddressIndex.TryCreate(addresses);
        Assert.NotNull(index);
        Assert.Equal([0, 1, 2, 3], addresses.Select(index.Find));
        Assert.Equal(-1, index.Find(start + 0x10)); // inside the first page, between two objects
        Assert.Equal(-1, index.Find(start + Block / 2)); // a page of the block with no object
        Assert.Equal(-1, index.Find(start + Block - 0x10));
    }

    [Fact]
    public void Blocks_far_apart_over_the_whole_address_range_are_each_found()
    {
        // The lowest and highest pages there are, and blocks in between: the table's size follows the blocks, not the range.
        ulong[] addresses = [0, 0x10, 0x1000_0000UL, 0x7fff_ffff_f000UL, 0x8000_0000_0000UL, ulong.MaxValue - 0xFFF, ulong.MaxValue - 7];
        using var index = PagedAddressIndex.TryCreate(addresses);
        Assert.NotNull(index);
        for (int node = 0; node < addresses.Length; node++)
            Assert.Equal(node, index.Find(addresses[node]));
        Assert.Equal(-1, index.Find(8));
        Assert.Equal(-1, index.Find(ulong.MaxValue - 15));
        Assert.Equal(-1, index.Find(0x1000_0000UL + Block));
    }

    [Fact]
    public void Hundreds_of_blocks_in_any_order_are_found_and_their_neighbours_are_not()
    {
        // More blocks than the first few slots of the block hash: it grows while the walk goes on.
        var random = new Random(15);
        var blocks = Enumerable.Range(0, 400).Select(_ => (ulong)random.NextInt64(1, 1L << 40)).Distinct().ToArray();
        var addresses = blocks.SelectMany(block => new[] { block * Block + 0x100, block * Block + 0x3000, block * Block + Block - 0x40 }).ToArray();
        using var index = PagedAddressIndex.TryCreate(addresses);
        Assert.NotNull(index);
        for (int node = 0; node < addresses.Length; node++)
        {
            Assert.Equal(node, index.Find(addresses[node]));
            Assert.Equal(-1, index.Find(addresses[node] + 8));
            Assert.Equal(-1, index.Find(addresses[node] + Block * 1024)); // another block, same page in it
        }
    }

    [Fact]
    public void A_block_may_come_back_in_the_walk_but_a_page_may_not()
    {
        // Two regions in one 4 MB block, walked apart: each page still holds consecutive nodes.
        ulong[] twoRuns = [0x40_0000, 0x40_0020, 0x80_0000, 0x40_2000];
        using var index = PagedAddressIndex.TryCreate(twoRuns);
        Assert.NotNull(index);
        Assert.Equal([0, 1, 2, 3], twoRuns.Select(index.Find));

        // The first page again, after another block: its objects are not consecutive nodes.
        ulong[] pageAgain = [0x40_0000, 0x80_0000, 0x40_0020];
        Assert.Null(PagedAddressIndex.TryCreate(pageAgain));
        Assert.Null(PagedAddressIndex.TryCreate(Packed(pageAgain)));
        using var hashed = AddressIndex.For(Packed(pageAgain));
        Assert.IsType<HashedAddressIndex>(hashed);
        Assert.Equal([0, 1, 2], pageAgain.Select(hashed.Find));
    }

    [Fact]
    public void A_walk_too_thin_on_its_blocks_goes_to_the_hash()
    {
        // One object a block: the table may take 512 blocks (4 MB) and then 4 bytes an object (half a page entry).
        ulong[] SpreadOver(int blocks) => Enumerable.Range(0, blocks).Select(block => (ulong)block * Block * 3 + 0x40).ToArray();
        var within = SpreadOver(512);
        using (var paged = AddressIndex.For(Packed(within)))
        {
            Assert.IsType<PagedAddressIndex>(paged);
            Assert.Equal(511, paged.Find(within[511]));
        }

        var beyond = SpreadOver(513);
        Assert.Null(PagedAddressIndex.TryCreate(beyond));
        using var hashed = AddressIndex.For(Packed(beyond));
        Assert.IsType<HashedAddressIndex>(hashed);
        for (int node = 0; node < beyond.Length; node++)
            Assert.Equal(node, hashed.Find(beyond[node]));
        Assert.Equal(-1, hashed.Find(beyond[512] + 8));
    }
}
