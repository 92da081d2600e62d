using HeapLens.Snapshots;

namespace HeapLens.Tests.Reports;

/// <summary>
/// The heap shapes that break naive reports, at any size: a linked list, one object with many
/// children, deep nesting of two alternating types, a ring, many roots of one type.
/// <see cref="Deepest"/> is the object farthest from the roots.
/// </summary>
internal sealed record ShapeHeap(string Name, HeapSnapshot Snapshot, string MainType, int Deepest)
{
    public const uint NodeBytes = 32;

    public static ShapeHeap Chain(int n)
    {
        var heap = new SnapshotBuilder();
        int next = -1;
        for (int i = 0; i < n; i++)
            next = next < 0 ? heap.Add("Fixture.Node", NodeBytes) : heap.Add("Fixture.Node", NodeBytes, next);
        heap.Static(heap.Add("Fixture.LinkedList", 32, next), "Fixture.Holder.s_list");
        return new ShapeHeap("chain", Build(heap), "Fixture.Node", Deepest: 0);
    }

    public static ShapeHeap FanOut(int n)
    {
        var heap = new SnapshotBuilder();
        var array = heap.Add("Fixture.Item[]", (uint)(24 + 8 * n));
        for (int i = 0; i < n; i++)
            heap.Reference(array, heap.Add("Fixture.Item", 24));
        heap.Static(array, "Fixture.Holder.s_items");
        return new ShapeHeap("fanout", Build(heap), "Fixture.Item", Deepest: n);
    }

    /// <summary>A tree node holding an array holding a tree node, <paramref name="depth"/> objects deep.</summary>
    public static ShapeHeap Nesting(int depth)
    {
        var heap = new SnapshotBuilder();
        int inner = -1;
        for (int level = depth - 1; level >= 0; level--)
        {
            string type = level % 2 == 0 ? "Fixture.Tree" : "Fixture.Tree[]";
            inner = inner < 0 ? heap.Add(type, NodeBytes) : heap.Add(type, NodeBytes, inner);
        }
        heap.Static(inner, "Fixture.Holder.s_tree");
        return new ShapeHeap("nesting", Build(heap), "Fixture.Tree", Deepest: 0);
    }

    /// <summary>A ring of <paramref name="n"/> objects, entered from a static field.</summary>
    public static ShapeHeap Cycle(int n)
    {
        var heap = new SnapshotBuilder();
        for (int i = 0; i < n; i++)
            heap.Add("Fixture.Ring", NodeBytes, (i + 1) % n);
        heap.Static(0, "Fixture.Holder.s_ring");
        return new ShapeHeap("cycle", Build(heap), "Fixture.Ring", Deepest: n - 1);
    }

    /// <summary><paramref name="n"/> sessions, each held by its own strong handle, each holding a buffer.</summary>
    public static ShapeHeap ManyRoots(int n)
    {
        var heap = new SnapshotBuilder();
        for (int i = 0; i < n; i++)
            heap.Root(heap.Add("Fixture.Session", 40, heap.Add("System.Byte[]", 100)), RootKind.StrongHandle);
        return new ShapeHeap("roots", Build(heap), "Fixture.Session", Deepest: 0);
    }

    private static HeapSnapshot Build(SnapshotBuilder heap) =>
        heap.Build(SnapshotBuilder.Metadata(new DateTimeOffset(2026, 11, 25, 13, 0, 0, TimeSpan.Zero)));
}
