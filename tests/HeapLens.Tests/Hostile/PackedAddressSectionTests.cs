using HeapLens.Formats.HeapSnap;
using HeapLens.Snapshots;
using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Hostile;

/// <summary>
/// A version-2 ADDR section: LEB128 differences read straight into packed addresses, each check at its boundary
/// (ten bytes with a last byte of 1 read, of 2 refused; eleven bytes refused; the object limit), also across the
/// chunks the reader checks them in. The file-level refusals and their messages are in HeapSnapRefusalTests.
/// </summary>
public sealed class PackedAddressSectionTests : IDisposable
{
    private const string Path = "test.heapsnap";
    private const int Chunk = 1 << 20; // what the reader decompresses before checking it

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static PackedAddresses Read(byte[] raw, int maxObjects = int.MaxValue)
    {
        var file = new MemoryStream();
        using (var section = new SectionWriter(file, SectionTag.Addresses))
        {
            section.Write(raw);
            section.Finish();
        }
        file.Position = 0;
        var reader = new SectionReader(file, Path);
        var header = reader.Next();
        var addresses = HeapSnapFile.ReadPackedDifferences(reader, header, maxObjects);
        reader.Finish();
        return addresses;
    }

    private static string Refusal(byte[] raw, int maxObjects = int.MaxValue) =>
        Assert.Throws<HeapLensException>(() => Read(raw, maxObjects)).Message;

    private static byte[] Continued(int count) => Enumerable.Repeat((byte)0x80, count).ToArray();

    private static ulong[] Sums(params ulong[] differences)
    {
        var addresses = new ulong[differences.Length];
        ulong previous = 0;
        for (int i = 0; i < differences.Length; i++)
            addresses[i] = previous += differences[i];
        return addresses;
    }

    [Fact]
    public void Differences_of_one_to_ten_bytes_read_back_in_a_file()
    {
        // 0, 127, 128, 2^63 - 1 (nine bytes, last 0x7F), 2^63 (ten, last 1), ulong.MaxValue (ten, last 1): six objects.
        byte[] raw =
        [
            0x00, 0x7F, 0x80, 0x01,
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F,
            .. Continued(9), 0x01,
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01,
        ];
        string path = _directory.File("boundaries.heapsnap");
        File.WriteAllBytes(path, SnapshotSections.WithSection("ADDR", raw));
        var snapshot = HeapSnapFile.Read(path);
        Assert.Equal(Sums(0, 127, 128, long.MaxValue, 1UL << 63, ulong.MaxValue), snapshot.Addresses);
    }

    [Fact]
    public void Ten_bytes_are_read_with_a_last_byte_of_1_and_refused_with_2_and_eleven_bytes_are_refused()
    {
        Assert.Equal([1UL << 63], Read([.. Continued(9), 1]).Unpack());
        Assert.Equal($"{Path} is corrupt: section 'ADDR' has a difference over 64 bits (object 0)", Refusal([.. Continued(9), 2]));
        Assert.Equal($"{Path} is corrupt: section 'ADDR' has a difference longer than 10 bytes (object 0)", Refusal([.. Continued(10), 1]));
        // Nine bytes take any last byte (up to 63 bits).
        Assert.Equal([0x7FUL << 56], Read([.. Continued(8), 0x7F]).Unpack());
    }

    [Fact]
    public void Only_the_shortest_form_is_read()
    {
        Assert.Equal([0UL, 0UL], Read([0, 0]).Unpack());
        Assert.Equal([128UL], Read([0x80, 0x01]).Unpack());
        Assert.Equal($"{Path} is corrupt: section 'ADDR' has a difference longer than its shortest form (object 1)", Refusal([0, 0x80, 0]));
        Assert.Equal($"{Path} is corrupt: section 'ADDR' has a difference longer than its shortest form (object 0)", Refusal([.. Continued(9), 0]));
    }

    [Fact]
    public void A_section_ending_inside_a_difference_is_refused()
    {
        Assert.Equal($"{Path} is corrupt: section 'ADDR' has an unfinished difference at its end (object 2)", Refusal([1, 2, 0x83]));
        Assert.Equal($"{Path} is corrupt: section 'ADDR' has an unfinished difference at its end (object 0)", Refusal(Continued(9)));
        Assert.Empty(Read([]).Unpack());
    }

    [Fact]
    public void The_object_limit_is_counted_as_the_differences_arrive()
    {
        Assert.Equal(3, Read([1, 0x80, 0x01, 3], maxObjects: 3).Count);
        Assert.Equal($"{Path} holds more than 2 objects; HeapLens reads at most 2", Refusal([1, 0x80, 0x01, 3], maxObjects: 2));
        // Past the first chunk the reader checks.
        Assert.Equal(Chunk + 1, Read(new byte[Chunk + 1], maxObjects: Chunk + 1).Count);
        Assert.Equal($"{Path} holds more than {Chunk:N0} objects; HeapLens reads at most {Chunk:N0}", Refusal(new byte[Chunk + 1], maxObjects: Chunk));
    }

    [Fact]
    public void A_difference_across_two_chunks_is_read_and_checked_whole()
    {
        // 133 = 0x85 0x01: its first byte ends the first chunk, its last starts the second.
        var raw = new byte[Chunk + 2];
        raw[Chunk - 1] = 0x85;
        raw[Chunk] = 0x01;
        raw[Chunk + 1] = 0x07;
        var addresses = Read(raw);
        Assert.Equal(Chunk + 1, addresses.Count);
        Assert.Equal(133UL, addresses.At(Chunk - 1));
        Assert.Equal(140UL, addresses.At(Chunk));

        // Ten continued bytes, five in each chunk.
        var tooLong = new byte[Chunk + 6];
        Continued(10).CopyTo(tooLong, Chunk - 5);
        Assert.Equal($"{Path} is corrupt: section 'ADDR' has a difference longer than 10 bytes (object {Chunk - 5})", Refusal(tooLong));
        // Nine continued bytes, then a last byte of 2 in the next chunk.
        var tooBig = new byte[Chunk + 1];
        Continued(9).CopyTo(tooBig, Chunk - 9);
        tooBig[Chunk] = 2;
        Assert.Equal($"{Path} is corrupt: section 'ADDR' has a difference over 64 bits (object {Chunk - 9})", Refusal(tooBig));
        tooBig[Chunk] = 0;
        Assert.Equal($"{Path} is corrupt: section 'ADDR' has a difference longer than its shortest form (object {Chunk - 9})", Refusal(tooBig));
    }
}
