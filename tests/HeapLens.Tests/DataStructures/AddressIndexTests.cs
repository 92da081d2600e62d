using CsCheck;
using HeapLens.DataStructures;
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
            var paged = PagedAddressIndex.TryCreate(addresses);
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
