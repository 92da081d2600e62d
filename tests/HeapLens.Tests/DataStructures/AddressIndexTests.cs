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
}
