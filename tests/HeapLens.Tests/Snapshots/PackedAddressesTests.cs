using CsCheck;
using HeapLens.Snapshots;
using Xunit;

namespace HeapLens.Tests.Snapshots;

public class PackedAddressesTests
{
    private static PackedAddresses Pack(ulong[] addresses, int chunk)
    {
        var builder = new PackedAddresses.Builder(addresses.Length);
        ulong previous = 0;
        var differences = new ulong[addresses.Length];
        for (int i = 0; i < addresses.Length; i++)
        {
            differences[i] = addresses[i] - previous;
            previous = addresses[i];
        }
        for (int start = 0; start < differences.Length; start += chunk)
            builder.AppendDifferences(differences.AsSpan(start, Math.Min(chunk, differences.Length - start)));
        return builder.Build();
    }

    [Fact]
    public void Any_addresses_unpack_to_themselves()
    {
        Gen.Select(Gen.ULong.Array[0, 300], Gen.Int[1, 64]).Sample((addresses, chunk) =>
            Assert.Equal(addresses, Pack(addresses, chunk).Unpack()));
    }

    [Fact]
    public void One_address_and_the_index_of_one_are_read_without_unpacking_as_unpacking_gives_them()
    {
        // Up to 300 addresses: several checkpoints (one per 64), backward jumps and repeats included.
        Gen.Select(Gen.ULong[0, 1000].Array[1, 300], Gen.Int[1, 64]).Sample((addresses, chunk) =>
        {
            var packed = Pack(addresses, chunk);
            for (int i = 0; i < addresses.Length; i++)
            {
                Assert.Equal(addresses[i], packed.At(i));
                Assert.Equal(Array.IndexOf(addresses, addresses[i]), packed.IndexOf(addresses[i]));
            }
            Assert.Equal(-1, packed.IndexOf(1001));
            Assert.Throws<ArgumentOutOfRangeException>(() => packed.At(addresses.Length));
        });
    }

    [Fact]
    public void Differences_are_read_back_in_order_in_spans_of_any_length()
    {
        Gen.Select(Gen.ULong.Array[0, 300], Gen.Int[1, 64], Gen.Int[1, 70]).Sample((addresses, chunk, span) =>
        {
            var expected = new ulong[addresses.Length];
            for (int i = 0; i < addresses.Length; i++)
                expected[i] = addresses[i] - (i == 0 ? 0 : addresses[i - 1]);
            var reader = Pack(addresses, chunk).ReadDifferences();
            var read = new List<ulong>();
            var buffer = new ulong[span];
            int count;
            while ((count = reader.Read(buffer)) > 0)
                read.AddRange(buffer.AsSpan(0, count).ToArray());
            Assert.Equal(expected, read);
            Assert.Equal(0, reader.Read(buffer));
        });
    }

    [Fact]
    public void Extremes_and_backward_jumps_unpack_exactly()
    {
        ulong[] addresses = [0, ulong.MaxValue, 1, 0x7fff_0000_1000, 0x7fff_0000_0fe8, long.MaxValue, (ulong)long.MaxValue + 1, 0];
        Assert.Equal(addresses, Pack(addresses, 3).Unpack());
    }

    [Fact]
    public void Heap_walk_order_takes_about_a_byte_per_object()
    {
        // Consecutive objects of 24 to 100 bytes: each difference fits one byte.
        var addresses = new ulong[100_000];
        ulong address = 0x7f12_3400_0000;
        for (int i = 0; i < addresses.Length; i++)
        {
            addresses[i] = address;
            address += (ulong)(24 + (i % 10) * 8);
        }
        var packed = Pack(addresses, 65536);
        Assert.Equal(addresses, packed.Unpack());
        Assert.True(packed.PackedBytes < addresses.Length + 16, $"{packed.PackedBytes} bytes");
    }

    [Fact]
    public void Addresses_that_fill_the_byte_limit_exactly_are_kept()
    {
        // 100 bytes: 40 differences of 2 bytes (128) and 20 of 1, in chunks larger than the limit's worst case allows.
        using var builder = new PackedAddresses.Builder(4, maxBytes: 100);
        builder.AppendDifferences(Enumerable.Repeat(128UL, 40).ToArray());
        builder.AppendDifferences(Enumerable.Repeat(1UL, 20).ToArray());

        var packed = builder.Build();

        Assert.Equal(60, packed.Count);
        Assert.Equal(128UL * 40 + 20, packed.At(59));
    }

    [Theory]
    [InlineData(128UL, 51)] // 102 bytes in one chunk
    [InlineData(1UL, 101)]
    [InlineData(ulong.MaxValue, 11)] // 110 bytes
    public void Addresses_past_the_byte_limit_are_refused_in_words(ulong difference, int count)
    {
        using var builder = new PackedAddresses.Builder(4, maxBytes: 100);

        var error = Assert.Throws<HeapLensException>(() => builder.AppendDifferences(Enumerable.Repeat(difference, count).ToArray()));

        Assert.Equal("the heap's object addresses take more than 100 bytes packed, more than HeapLens holds (0 objects so far)", error.Message);
    }

    [Fact]
    public void The_byte_limit_counts_what_is_already_packed()
    {
        using var builder = new PackedAddresses.Builder(4, maxBytes: 100);
        builder.AppendDifferences(Enumerable.Repeat(1UL, 99).ToArray());
        builder.AppendDifferences([127UL]);

        var error = Assert.Throws<HeapLensException>(() => builder.AppendDifferences([128UL]));

        Assert.Contains("(100 objects so far)", error.Message);
    }
}
