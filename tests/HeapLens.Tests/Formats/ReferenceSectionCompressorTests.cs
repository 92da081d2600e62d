using HeapLens.Collection;
using HeapLens.Formats.HeapSnap;
using HeapLens.Snapshots;
using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Formats;

/// <summary>
/// The references section compressed while the graph is built (a capture written to a file): the file's bytes
/// must be those of the snapshot written afterwards, and a failure on the compressing side must leave no file,
/// no temporary file and no thread behind.
/// </summary>
public class ReferenceSectionCompressorTests
{
    private const ulong TypeA = 0x1000, TypeB = 0x2000;

    [Fact]
    public async Task A_live_capture_written_while_it_is_built_is_the_file_of_its_snapshot()
    {
        // Past one chunk of references (a 100,000-node list), with static roots and dependent handles merged in.
        using var directory = new TempDirectory();
        using var target = TargetProcess.StartTestTarget();
        foreach (string command in new[] { "chain 100000", "items 3000", "cwt 700" })
            target.Send(command);
        string path = directory.File("live.heapsnap");

        var snapshot = await HeapSnapshotCollector.CaptureToFileAsync(target.Descriptor, new HeapCaptureOptions { TempDirectory = directory.Path }, path);

        Assert.Equal(WrittenAfterwards(snapshot), File.ReadAllBytes(path));
        var loaded = HeapSnapFile.Read(path);
        Assert.Equal(100_000, CountOf(loaded, "Fixture.ChainNode"));
        Assert.Equal(700, CountOf(loaded, "Fixture.Value"));
        // Every Key keeps its Value through its dependent handle (a reference the walk does not give as a field).
        int keysHoldingValues = Enumerable.Range(0, loaded.NodeCount)
            .Count(n => loaded.TypeNameOf(n) == "Fixture.Key" && loaded.Successors(n).ToArray().Any(s => loaded.TypeNameOf(s) == "Fixture.Value"));
        Assert.Equal(700, keysHoldingValues);
        Assert.Equal([path], Directory.GetFiles(directory.Path)); // no temporary file, no recording left
    }

    [Fact]
    public void References_compressed_while_resolved_give_the_bytes_of_the_written_snapshot()
    {
        using var directory = new TempDirectory();
        string path = directory.File("pipelined.heapsnap");
        using var plain = Walk();
        var expected = WrittenAfterwards(plain.Build(new SnapshotMetadata { ProcessName = "synthetic" }));

        using var builder = Walk();
        using (var references = new ReferenceSectionCompressor())
        {
            builder.BuildGraph(references);
            var snapshot = builder.Build(new SnapshotMetadata { ProcessName = "synthetic" });
            HeapSnapFile.Write(snapshot, path, references);
            Assert.Equal(References, snapshot.EdgeCount);
        }

        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    [Theory]
    [InlineData(0)] // while the references are still being resolved
    [InlineData(ChunksOfTheWalk - 1)] // the last one: when the file is being written
    public void A_compressor_that_fails_leaves_no_file_and_no_thread(int failingChunk)
    {
        using var directory = new TempDirectory();
        string path = directory.File("failed.heapsnap");
        using var builder = Walk();
        var references = new ReferenceSectionCompressor(beforeChunk: n =>
        {
            if (n == failingChunk)
                throw new IOException("no space left on device (injected)");
        });

        var failure = Record.Exception(() =>
        {
            builder.BuildGraph(references);
            HeapSnapFile.Write(builder.Build(new SnapshotMetadata()), path, references);
        });
        references.Dispose();

        Assert.NotNull(failure);
        Assert.Contains("no space left on device (injected)", failure.Message);
        Assert.Empty(Directory.GetFileSystemEntries(directory.Path)); // neither the file nor its temporary file
        Assert.False(references.IsRunning);
    }

    [Fact]
    public void A_build_abandoned_midway_stops_the_compressor()
    {
        // The resolver fails (here: stops handing references) while chunks still wait to be deflated.
        var references = new ReferenceSectionCompressor(beforeChunk: _ => Thread.Sleep(20));
        var from = new int[1 << 16];
        var to = Enumerable.Range(0, 1 << 16).ToArray();
        for (int i = 0; i < 6; i++)
            references.Add(from, to);

        references.Dispose();

        Assert.False(references.IsRunning);
    }

    private const int Nodes = 300_000;
    // Each node's own reference, one in seven of them dropped (unknown), and the dependent handles' values.
    private const int References = Nodes - (Nodes + 6) / 7 + Nodes / 1000;
    private const int ChunksOfTheWalk = (References + (1 << 16) - 1) >> 16;

    /// <summary>
    /// Nodes each referring to the next one, one in seven to an object outside the walk instead, and one in a
    /// thousand keeping another alive through a dependent handle: four chunks of references.
    /// </summary>
    private static HeapGraphBuilder Walk()
    {
        var builder = new HeapGraphBuilder();
        builder.SetTypeName(TypeA, "A");
        builder.SetTypeName(TypeB, "B");
        for (int i = 0; i < Nodes; i++)
        {
            builder.AddNode(Address(i), 32, i % 3 == 0 ? TypeA : TypeB, 1);
            builder.AddEdge(i % 7 == 0 ? 0x10 : Address((i + 1) % Nodes));
        }
        for (int i = 0; i < Nodes; i += 1000)
            builder.AddDependentEdge(Address(i), Address((i * 7 + 13) % Nodes));
        builder.AddRoot(Address(0), RootKind.Stack);
        return builder;
    }

    private static ulong Address(int node) => 0x7f00_0000_0000UL + 32UL * (ulong)node;

    private static byte[] WrittenAfterwards(HeapSnapshot snapshot)
    {
        using var stream = new MemoryStream();
        HeapSnapFile.Write(snapshot, stream);
        return stream.ToArray();
    }

    private static int CountOf(HeapSnapshot snapshot, string typeName) =>
        Enumerable.Range(0, snapshot.NodeCount).Count(n => snapshot.TypeNameOf(n) == typeName);
}
