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
}
