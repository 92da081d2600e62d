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
