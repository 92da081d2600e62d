using HeapLens.Formats.HeapSnap;
using HeapLens.Snapshots;
using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Snapshots;

public class HeapGraphBuilderTests
{
    private const ulong TypeA = 0x1000, TypeB = 0x2000;

    [Fact]
    public void Edges_belong_to_nodes_in_order_and_unknown_targets_are_dropped()
    {
        using var builder = new HeapGraphBuilder();
        builder.SetTypeName(TypeA, "A");
        builder.AddNode(0x100, 24, TypeA, 2);
        builder.AddEdge(0x200);
        builder.AddEdge(0x999); // not a walked object
        builder.AddNode(0x200, 32, TypeB, 0);
        builder.AddNode(0x300, 40, TypeA, 1);
        builder.AddEdge(0x100);
        builder.AddRoot(0x300, RootKind.StrongHandle);
        builder.AddRoot(0x777, RootKind.Stack); // outside the heap: no root
        builder.SetTypeName(TypeB, "B");

        var snapshot = builder.Build(new SnapshotMetadata());

        Assert.Equal(3, snapshot.NodeCount);
        Assert.Equal([1], snapshot.Successors(0).ToArray());
        Assert.Empty(snapshot.Successors(1).ToArray());
        Assert.Equal([0], snapshot.Successors(2).ToArray());
        Assert.Equal(1, snapshot.Metadata.UnresolvedReferences);
        Assert.Equal(["A", "B"], snapshot.TypeNames);
        Assert.Equal("B", snapshot.TypeNameOf(1));
        Assert.Equal([2], snapshot.Roots.Nodes);
        Assert.Equal(96, snapshot.TotalBytes);
    }

    [Theory]
    [InlineData(254)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(70_000)]
    public void An_object_with_hundreds_of_references_keeps_them_all_around_unknown_targets(int references)
    {
        // Edge counts are kept in a byte per object while the walk streams; counts from 255 up go elsewhere.
        using var builder = new HeapGraphBuilder();
        builder.SetTypeName(TypeA, "A");
        builder.AddNode(0x100, 24, TypeA, 1);
        builder.AddEdge(0x999); // not a walked object: the first node ends with no reference
        builder.AddNode(0x200, 8 + 8 * (ulong)references, TypeA, references);
        for (int i = 0; i < references; i++)
            builder.AddEdge(i % 3 == 0 ? 0x999UL : 0x100 + 0x100 * (ulong)(i % 2)); // one in three unknown
        builder.AddNode(0x300, 24, TypeA, 1);
        builder.AddEdge(0x200);

        var snapshot = builder.Build(new SnapshotMetadata());

        int unknown = (references + 2) / 3;
        int[] expected = Enumerable.Range(0, references).Where(i => i % 3 != 0).Select(i => i % 2).ToArray();
        Assert.Empty(snapshot.Successors(0).ToArray());
        Assert.Equal(expected, snapshot.Successors(1).ToArray());
        Assert.Equal([1], snapshot.Successors(2).ToArray());
        Assert.Equal(1 + unknown, snapshot.Metadata.UnresolvedReferences);
        Assert.Equal(references - unknown + 1, snapshot.EdgeCount);
    }

    [Fact]
    public void References_over_several_chunks_resolve_in_order_around_unknown_targets_in_each()
    {
        // 2.5M references, resolved a chunk of 1M at a time on every core: each node refers to the next two
        // (wrapping), and every 300,001st node also to an address outside the walk, in every chunk.
        const int nodes = 1_000_000;
        using var builder = new HeapGraphBuilder();
        builder.SetTypeName(TypeA, "A");
        int unknown = 0;
        for (int node = 0; node < nodes; node++)
        {
            bool withUnknown = node % 300_001 == 7;
            builder.AddNode(0x1000 + 32 * (ulong)node, 32, TypeA, withUnknown ? 3 : 2);
            if (withUnknown)
            {
                builder.AddEdge(0x10); // not a walked object, before the two known ones
                unknown++;
            }
            builder.AddEdge(0x1000 + 32 * (ulong)((node + 1) % nodes));
            builder.AddEdge(0x1000 + 32 * (ulong)((node + 2) % nodes));
        }

        var snapshot = builder.Build(new SnapshotMetadata());

        Assert.Equal(4, unknown);
        Assert.Equal(unknown, snapshot.Metadata.UnresolvedReferences);
        Assert.Equal(2L * nodes, snapshot.EdgeCount);
        for (int node = 0; node < nodes; node++)
        {
            var successors = snapshot.Successors(node);
            if (successors.Length != 2 || successors[0] != (node + 1) % nodes || successors[1] != (node + 2) % nodes)
                Assert.Fail($"node {node}: [{string.Join(", ", successors.ToArray())}]");
        }
    }

    [Fact]
    public void Dependent_handles_become_edges_from_key_to_value_after_the_keys_own()
    {
        using var builder = new HeapGraphBuilder();
        builder.AddNode(0x100, 24, TypeA, 1);
        builder.AddEdge(0x300);
        builder.AddNode(0x200, 24, TypeA, 0);
        builder.AddNode(0x300, 24, TypeA, 0);
        builder.AddDependentEdge(0x200, 0x100);
        builder.AddDependentEdge(0x100, 0x200);

        var snapshot = builder.Build(new SnapshotMetadata());

        Assert.Equal([2, 1], snapshot.Successors(0).ToArray());
        Assert.Equal([0], snapshot.Successors(1).ToArray());
        Assert.Empty(snapshot.Successors(2).ToArray());
    }

    [Fact]
    public void Objects_of_four_gigabytes_or_more_keep_their_size_through_the_file()
    {
        using var builder = new HeapGraphBuilder();
        builder.SetTypeName(TypeA, "System.Byte[]");
        builder.AddNode(0x100, 5UL << 30, TypeA, 0);
        builder.AddNode(0x200, 24, TypeA, 0);
        builder.AddStaticRoot(0x100, slot: 0x5000, "s_huge");
        builder.NameStaticSlots(new Dictionary<ulong, string> { [0x5000] = "Holder.s_huge" });
        var snapshot = builder.Build(new SnapshotMetadata { ProcessName = "synthetic" });
        using var directory = new TempDirectory();
        string path = directory.File("huge.heapsnap");

        HeapSnapFile.Write(snapshot, path);
        var loaded = HeapSnapFile.Read(path);
        // A stream gets the file's bytes exactly.
        using (var stream = new MemoryStream())
        {
            HeapSnapFile.Write(snapshot, stream);
            Assert.Equal(File.ReadAllBytes(path), stream.ToArray());
        }

        Assert.Equal(5L << 30, loaded.SizeOf(0));
        Assert.Equal((5L << 30) + 24, loaded.TotalBytes);
        Assert.Equal("Holder.s_huge", loaded.Roots.NameOf(0));
        Assert.Equal(RootKind.Static, loaded.Roots.Kinds[0]);
    }

    [Fact]
    public void A_built_snapshot_keeps_its_addresses_packed_and_writes_the_bytes_of_its_unpacked_addresses()
    {
        // Past a chunk of the builder's lists (1M objects), with jumps to other regions and back, as a walk of
        // several heaps gives them.
        const int count = 1_100_000;
        var addresses = new ulong[count];
        var nodes = new ulong[4 * count];
        ulong at = 0x7f00_0000_0000;
        for (int i = 0; i < count; i++)
        {
            if (i % 300_000 == 299_999)
                at = i % 600_000 == 299_999 ? at + (1UL << 32) : at - (1UL << 33);
            addresses[i] = at;
            ulong size = 24 + (ulong)(i % 7) * 8;
            (nodes[4 * i], nodes[4 * i + 1], nodes[4 * i + 2], nodes[4 * i + 3]) = (at, size, i % 3 == 0 ? TypeA : TypeB, 0);
            at += size;
        }
        using var builder = new HeapGraphBuilder();
        builder.SetTypeName(TypeA, "A");
        builder.SetTypeName(TypeB, "B");
        var walk = System.Runtime.InteropServices.MemoryMarshal.Cast<ulong, WalkNode>(nodes);
        for (int start = 0; start < count; start += 10_000)
            builder.AddNodes(walk.Slice(start, Math.Min(10_000, count - start)));
        builder.AddNode(at, 24, TypeA, 2); // one at a time too, the way the reference reader adds them
        builder.AddEdge(addresses[0]);
        builder.AddEdge(addresses[count - 1]);
        builder.AddRoot(addresses[count / 2], RootKind.Stack);

        var snapshot = builder.Build(new SnapshotMetadata());

        Assert.NotNull(snapshot.PackedAddressesIfPacked);
        Assert.Equal([0, count - 1], snapshot.Successors(count).ToArray());
        Assert.Equal([count / 2], snapshot.Roots.Nodes);
        using var packed = new MemoryStream();
        HeapSnapFile.Write(snapshot, packed);
        Assert.Equal([.. addresses, at], snapshot.Addresses); // unpacked from here on
        Assert.Null(snapshot.PackedAddressesIfPacked);
        using var unpacked = new MemoryStream();
        HeapSnapFile.Write(snapshot, unpacked);
        Assert.Equal(unpacked.ToArray(), packed.ToArray());
    }

    [Fact]
    public void A_static_whose_declaring_type_is_unknown_keeps_its_field_name()
    {
        using var builder = new HeapGraphBuilder();
        builder.AddNode(0x100, 24, TypeA, 0);
        builder.AddStaticRoot(0x100, slot: 0x5000, "s_field");

        var snapshot = builder.Build(new SnapshotMetadata());

        Assert.Equal("s_field", snapshot.Roots.NameOf(0));
    }
}
