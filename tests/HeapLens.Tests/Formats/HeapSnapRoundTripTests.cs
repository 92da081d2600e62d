using HeapLens.Formats.HeapSnap;
using HeapLens.Snapshots;
using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Formats;

/// <summary>
/// A .heapsnap gives back every array exactly, past the writer's and reader's chunk of 65,536 values
/// (addresses, edge counts and edge targets are written a chunk at a time), and a stream gets the
/// file's bytes.
/// </summary>
public sealed class HeapSnapRoundTripTests
{
    private const int Objects = 150_000; // two full chunks and part of a third

    private static HeapSnapshot RandomSnapshot(int seed)
    {
        var random = new Random(seed);
        var addresses = new ulong[Objects];
        ulong address = 0x7f00_0000_0000;
        for (int i = 0; i < Objects; i++)
        {
            // Mostly rising by an object's size; now and then a step back (another heap segment).
            address = random.Next(100) == 0 ? address - (ulong)random.Next(1, 1 << 20) : address + (ulong)random.Next(24, 4096);
            addresses[i] = address;
        }
        var sizes = Enumerable.Range(0, Objects).Select(_ => (uint)random.Next(24, 100_000)).ToArray();
        var hugeSizes = new Dictionary<int, long> { [70_000] = 5L << 30, [149_999] = (1L << 32) + 7 };
        foreach (int node in hugeSizes.Keys)
            sizes[node] = uint.MaxValue;
        var types = Enumerable.Range(0, Objects).Select(_ => random.Next(5)).ToArray();
        var edgeStart = new int[Objects + 1];
        for (int i = 0; i < Objects; i++)
            edgeStart[i + 1] = edgeStart[i] + random.Next(4);
        var edgeTargets = Enumerable.Range(0, edgeStart[^1]).Select(_ => random.Next(Objects)).ToArray();
        var roots = new HeapRoots([0, 5, 70_000, 149_999], [RootKind.Static, RootKind.Stack, RootKind.PinnedHandle, RootKind.Static],
            [0, -1, -1, 1], ["App.Program.s_cache", "App.Store.s_items"]);
        var metadata = new SnapshotMetadata
        {
            ProcessId = 4242, ProcessName = "App", CommandLine = "dotnet App.dll --port 80", RuntimeVersion = "10.0.1",
            CaptureTime = new DateTimeOffset(2026, 12, 4, 17, 0, 0, TimeSpan.Zero), GcPauseMilliseconds = 12.5, GcNumber = 31,
            StreamBytes = 6_450_000, UnresolvedReferences = 3,
        };
        return new HeapSnapshot(metadata, ["App.Node", "App.Cache", "System.Byte[]", "System.String", "List<int>"],
            addresses, sizes, hugeSizes, types, edgeStart, edgeTargets, roots);
    }

    [Fact]
    public void Every_array_reads_back_exactly_and_a_stream_gets_the_file_s_bytes()
    {
        var written = RandomSnapshot(seed: 17);
        using var directory = new TempDirectory();
        string path = directory.File("round.heapsnap");

        HeapSnapFile.Write(written, path);
        var read = HeapSnapFile.Read(path);

        SnapshotAssert.SameHeap(written, read);
        Assert.Equal(5L << 30, read.SizeOf(70_000));
        using var stream = new MemoryStream();
        HeapSnapFile.Write(written, stream);
        Assert.Equal(File.ReadAllBytes(path), stream.ToArray());
    }

    [Theory]
    [InlineData(1u, (uint)SectionCodec.Deflate)]
    [InlineData(2u, (uint)SectionCodec.Lz4Blocks)]
    public void Each_codec_writes_its_version_and_reads_back_exactly(uint version, uint codec)
    {
        // DEFLATE (the internal option) writes a real version-1 file, as HeapLens wrote before LZ4.
        var written = RandomSnapshot(seed: 23);
        using var directory = new TempDirectory();
        string path = directory.File("codec.heapsnap");
        HeapSnapFile.Write(written, path, (SectionCodec)codec);
        byte[] file = File.ReadAllBytes(path);
        Assert.Equal(version, BitConverter.ToUInt32(file, 8));
        int at = 16, sections = 0;
        while (at < file.Length)
        {
            Assert.Equal(codec, BitConverter.ToUInt32(file, at + 4));
            at += SectionWriter.HeaderSize + (int)BitConverter.ToInt64(file, at + 16);
            sections++;
        }
        Assert.Equal(10, sections); // META TYPE ADDR SIZE HUGE TIDX ECNT EDGE ROOT END!
        SnapshotAssert.SameHeap(written, HeapSnapFile.Read(path));
    }

    /// <summary>
    /// The random snapshot with differences at every length's edge first: 0, 127 (one byte), 128 (two), 2^63 - 1
    /// (nine), 2^63 and ulong.MaxValue (ten: a step back by one), then a step back by 2^40 (ten bytes too).
    /// </summary>
    private static HeapSnapshot EdgeSnapshot(int seed, bool packed)
    {
        var plain = RandomSnapshot(seed);
        var addresses = plain.Addresses;
        ulong[] first = [0, 127, 128, long.MaxValue, 1UL << 63, ulong.MaxValue, unchecked(0UL - (1UL << 40))];
        ulong previous = 0;
        for (int i = 0; i < first.Length; i++)
            addresses[i] = previous += first[i];
        if (!packed)
            return plain;
        using var builder = new PackedAddresses.Builder(addresses.Length);
        builder.AppendDifferences(Differences(addresses));
        return new HeapSnapshot(plain.Metadata, plain.TypeNames, builder.Build(), plain.Sizes, plain.HugeSizes, plain.TypeIndex,
            plain.EdgeStart, plain.EdgeTargets, plain.Roots);
    }

    private static ulong[] Differences(ulong[] addresses)
    {
        var differences = new ulong[addresses.Length];
        for (int i = 0; i < addresses.Length; i++)
            differences[i] = addresses[i] - (i == 0 ? 0 : addresses[i - 1]);
        return differences;
    }

    /// <summary>LEB128 as the format describes it, written out here: 7 bits a byte, low group first, high bit on all but the last.</summary>
    private static byte[] Leb128(ulong[] differences)
    {
        var bytes = new List<byte>();
        foreach (ulong difference in differences)
        {
            ulong rest = difference;
            for (; rest >= 0x80; rest >>= 7)
                bytes.Add((byte)(rest & 0x7F | 0x80));
            bytes.Add((byte)rest);
        }
        return [.. bytes];
    }

    [Theory]
    [InlineData((uint)SectionCodec.Lz4Blocks)]
    [InlineData((uint)SectionCodec.Deflate)]
    public void Packed_and_plain_addresses_give_the_same_file_and_read_back(uint codecNumber)
    {
        var codec = (SectionCodec)codecNumber;
        using var directory = new TempDirectory();
        string plainPath = directory.File("plain.heapsnap"), packedPath = directory.File("packed.heapsnap");
        var plain = EdgeSnapshot(seed: 31, packed: false);
        var packed = EdgeSnapshot(seed: 31, packed: true);
        Assert.NotNull(packed.PackedAddressesIfPacked);
        HeapSnapFile.Write(plain, plainPath, codec);
        HeapSnapFile.Write(packed, packedPath, codec);
        Assert.NotNull(packed.PackedAddressesIfPacked); // written without unpacking them

        byte[] file = File.ReadAllBytes(plainPath);
        Assert.Equal(file, File.ReadAllBytes(packedPath));
        byte[] addr = Hostile.SnapshotSections.Split(file).Single(s => s.Tag == "ADDR").Raw;
        ulong[] differences = Differences(plain.Addresses);
        // Version 2: the LEB128 differences; version 1: one uint64 each.
        byte[] expected = codec == SectionCodec.Deflate
            ? System.Runtime.InteropServices.MemoryMarshal.AsBytes(differences.AsSpan()).ToArray()
            : Leb128(differences);
        Assert.Equal(expected, addr);
        if (codec == SectionCodec.Lz4Blocks)
            Assert.Equal([0x00, 0x7F, 0x80, 0x01], addr.AsSpan(0, 4).ToArray()); // 0, 127, 128 (once more, by hand)

        var read = HeapSnapFile.Read(packedPath);
        Assert.NotNull(read.PackedAddressesIfPacked);
        // Read back, the addresses are packed again: written again, the same bytes.
        HeapSnapFile.Write(read, packedPath, codec);
        Assert.Equal(file, File.ReadAllBytes(packedPath));
        SnapshotAssert.SameHeap(plain, read);
        SnapshotAssert.SameHeap(plain, packed);
        Assert.Equal(253UL, read.AddressOf(5)); // 0 + 127 + 128 + (2^63 - 1) + 2^63 + (2^64 - 1), wrapping
    }

    [Fact]
    public void A_version_1_file_of_a_version_2_snapshot_reads_back_the_same_heap()
    {
        // Version 1 (DEFLATE, uint64 differences) is still read: written from a snapshot a version-2 file gave.
        using var directory = new TempDirectory();
        string v2 = directory.File("v2.heapsnap"), v1 = directory.File("v1.heapsnap");
        var written = EdgeSnapshot(seed: 37, packed: false);
        HeapSnapFile.Write(written, v2);
        HeapSnapFile.Write(HeapSnapFile.Read(v2), v1, SectionCodec.Deflate);
        Assert.Equal(1, BitConverter.ToInt32(File.ReadAllBytes(v1), 8));
        SnapshotAssert.SameHeap(written, HeapSnapFile.Read(v1));
    }

    [Fact]
    public void A_version_2_file_s_edges_decode_with_another_lz4_reader_block_by_block()
    {
        // The format's description is enough to read a section: K4os's LZ4Codec.Decode, block by block
        // (Hostile.SnapshotSections.Lz4Decode), gives EDGE's target-minus-source values.
        var written = RandomSnapshot(seed: 29);
        using var directory = new TempDirectory();
        string path = directory.File("v2.heapsnap");
        HeapSnapFile.Write(written, path);
        byte[] edges = Hostile.SnapshotSections.Split(File.ReadAllBytes(path)).Single(s => s.Tag == "EDGE").Raw;
        var expected = new List<int>();
        for (int node = 0; node < written.NodeCount; node++)
            for (int e = written.EdgeStart[node]; e < written.EdgeStart[node + 1]; e++)
                expected.Add(written.EdgeTargets[e] - node);
        Assert.Equal(expected, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(edges).ToArray());
    }
}
