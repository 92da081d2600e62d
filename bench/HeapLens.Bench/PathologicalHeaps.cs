using HeapLens.Snapshots;

namespace HeapLens.Bench;

/// <summary>
/// The heap shapes that once hung the snapshot reports, at full size, straight into CSR arrays:
/// a linked list, one array with every other object as a child, two types nested in each other, a
/// ring, and many roots of one type. Each comes with the object farthest from its roots.
/// </summary>
public static class PathologicalHeaps
{
    public static readonly (string Name, int DefaultSize)[] Shapes =
        [("chain", 10_000_000), ("fanout", 10_000_000), ("nesting", 1_000_000), ("cycle", 10_000_000), ("roots", 1_000_000)];

    public sealed record Shape(HeapSnapshot Snapshot, string MainType, int Deepest);

    public static Shape Create(string name, int n) => name switch
    {
        "chain" => Linked(n, "Fixture.Node", ring: false, rootField: "Fixture.Holder.s_list"),
        "cycle" => Linked(n, "Fixture.Ring", ring: true, rootField: "Fixture.Holder.s_ring"),
        "nesting" => Nesting(n),
        "fanout" => FanOut(n),
        "roots" => ManyRoots(n),
        _ => throw new ArgumentException($"Unknown shape '{name}'; use one of {string.Join(", ", Shapes.Select(s => s.Name))}."),
    };

    /// <summary>Node i references node i+1 (and the last the first, for a ring); a static holds node 0.</summary>
    private static Shape Linked(int n, string type, bool ring, string rootField)
    {
        var edgeStart = new int[n + 1];
        var targets = new List<int>(n);
        for (int node = 0; node < n; node++)
        {
            if (node + 1 < n)
                targets.Add(node + 1);
            else if (ring)
                targets.Add(0);
            edgeStart[node + 1] = targets.Count;
        }
        return new Shape(Snapshot([type], new int[n], edgeStart, [.. targets], n, [(0, RootKind.Static, rootField)]), type, n - 1);
    }

    /// <summary>Fixture.Tree and Fixture.Tree[] alternating, each holding the next: n objects deep.</summary>
    private static Shape Nesting(int n)
    {
        var (edgeStart, targets) = Linked(n);
        var types = new int[n];
        for (int node = 0; node < n; node++)
            types[node] = node % 2;
        return new Shape(Snapshot(["Fixture.Tree", "Fixture.Tree[]"], types, edgeStart, targets, n, [(0, RootKind.Static, "Fixture.Holder.s_tree")]),
            "Fixture.Tree", n - 1);
    }

    /// <summary>One array (node 0) referencing the n - 1 other objects.</summary>
    private static Shape FanOut(int n)
    {
        var edgeStart = new int[n + 1];
        for (int node = 1; node <= n; node++)
            edgeStart[node] = n - 1;
        var targets = new int[n - 1];
        for (int i = 0; i < targets.Length; i++)
            targets[i] = i + 1;
        var types = new int[n];
        types[0] = 1;
        return new Shape(Snapshot(["Fixture.Item", "Fixture.Item[]"], types, edgeStart, targets, n, [(0, RootKind.Static, "Fixture.Holder.s_items")]),
            "Fixture.Item", n - 1);
    }

    /// <summary>n sessions, each held by its own strong handle and holding a buffer (2n objects).</summary>
    private static Shape ManyRoots(int n)
    {
        var edgeStart = new int[2 * n + 1];
        var targets = new int[n];
        var types = new int[2 * n];
        for (int i = 0; i < n; i++)
        {
            targets[i] = n + i;
            edgeStart[i + 1] = i + 1;
            types[n + i] = 1;
        }
        for (int node = n; node < 2 * n; node++)
            edgeStart[node + 1] = n;
        var roots = Enumerable.Range(0, n).Select(i => (i, RootKind.StrongHandle, (string?)null)).ToList();
        return new Shape(Snapshot(["Fixture.Session", "System.Byte[]"], types, edgeStart, targets, 2 * n, roots), "Fixture.Session", 2 * n - 1);
    }

    private static (int[] EdgeStart, int[] Targets) Linked(int n)
    {
        var edgeStart = new int[n + 1];
        var targets = new int[Math.Max(n - 1, 0)];
        for (int node = 0; node < n; node++)
        {
            if (node + 1 < n)
                targets[node] = node + 1;
            edgeStart[node + 1] = Math.Min(node + 1, n - 1);
        }
        return (edgeStart, targets);
    }

    private static HeapSnapshot Snapshot(string[] typeNames, int[] types, int[] edgeStart, int[] targets, int n,
        List<(int Node, RootKind Kind, string? Name)> roots)
    {
        var addresses = new ulong[n];
        var sizes = new uint[n];
        for (int node = 0; node < n; node++)
        {
            addresses[node] = 0x7f00_0000_0000UL + 32UL * (ulong)node;
            sizes[node] = 32;
        }
        var names = roots.Where(r => r.Name is not null).Select(r => r.Name!).Distinct().ToArray();
        var heapRoots = new HeapRoots(
            roots.Select(r => r.Node).ToArray(),
            roots.Select(r => r.Kind).ToArray(),
            roots.Select(r => r.Name is null ? -1 : Array.IndexOf(names, r.Name)).ToArray(),
            names);
        var metadata = new SnapshotMetadata { ProcessName = "Synthetic", ProcessId = 1, CaptureTime = DateTimeOffset.UnixEpoch };
        return new HeapSnapshot(metadata, typeNames, addresses, sizes, null, types, edgeStart, targets, heapRoots);
    }
}
