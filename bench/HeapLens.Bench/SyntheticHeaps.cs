using HeapLens.Snapshots;

namespace HeapLens.Bench;

/// <summary>
/// Heap graphs of any size for the benchmarks, built straight into CSR arrays (no object per node).
/// Sizes are 16..208 bytes, types one of 100, addresses increasing, like a heap walk.
/// </summary>
public static class SyntheticHeaps
{
    public static readonly string[] Shapes = ["random", "chain", "fanout", "dag"];

    public static HeapSnapshot Create(string shape, int nodeCount, int seed = 42) => shape switch
    {
        "random" => Random(nodeCount, extraEdges: nodeCount / 4, seed),
        "chain" => Chain(nodeCount, seed),
        "fanout" => FanOut(nodeCount, seed),
        "dag" => SharedDag(nodeCount, width: 1000, seed),
        _ => throw new ArgumentException($"Unknown shape '{shape}'; use one of {string.Join(", ", Shapes)}."),
    };

    /// <summary>
    /// A random recursive tree (each node referenced by a random earlier node) plus random extra
    /// references anywhere (cycles, sharing, self-loops), held by 1000 strong and 100 weak roots.
    /// 20M nodes give 25M references.
    /// </summary>
    public static HeapSnapshot Random(int nodeCount, int extraEdges, int seed)
    {
        var random = new Random(seed);
        int edgeCount = nodeCount - 1 + extraEdges;
        var sources = new int[edgeCount];
        var targets = new int[edgeCount];
        int e = 0;
        for (int node = 1; node < nodeCount; node++, e++)
        {
            sources[e] = random.Next(node);
            targets[e] = node;
        }
        for (; e < edgeCount; e++)
        {
            sources[e] = random.Next(nodeCount);
            targets[e] = random.Next(nodeCount);
        }
        var (edgeStart, edgeTargets) = ToCsr(nodeCount, sources, targets);

        var roots = new List<(int, RootKind)> { (0, RootKind.Stack) };
        for (int r = 0; r < 1000; r++)
            roots.Add((random.Next(nodeCount), RootKind.StrongHandle));
        for (int r = 0; r < 100; r++)
            roots.Add((random.Next(nodeCount), RootKind.WeakHandle));
        return Snapshot(nodeCount, edgeStart, edgeTargets, roots, random);
    }

    /// <summary>A linked list: 0 -> 1 -> ... -> n-1, the deepest graph there is.</summary>
    public static HeapSnapshot Chain(int nodeCount, int seed)
    {
        var edgeStart = new int[nodeCount + 1];
        var edgeTargets = new int[Math.Max(nodeCount - 1, 0)];
        for (int node = 0; node < nodeCount; node++)
        {
            edgeStart[node + 1] = Math.Min(node + 1, nodeCount - 1);
            if (node + 1 < nodeCount)
                edgeTargets[node] = node + 1;
        }
        return Snapshot(nodeCount, edgeStart, edgeTargets, [(0, RootKind.Static)], new Random(seed));
    }

    /// <summary>One rooted object referencing every other one (a huge array).</summary>
    public static HeapSnapshot FanOut(int nodeCount, int seed)
    {
        var edgeStart = new int[nodeCount + 1];
        for (int node = 1; node <= nodeCount; node++)
            edgeStart[node] = nodeCount - 1;
        var edgeTargets = new int[nodeCount - 1];
        for (int i = 0; i < edgeTargets.Length; i++)
            edgeTargets[i] = i + 1;
        return Snapshot(nodeCount, edgeStart, edgeTargets, [(0, RootKind.Static)], new Random(seed));
    }

    /// <summary>
    /// Layers of <paramref name="width"/> objects; each references the object below it and, one time
    /// in four, a random other object of the next layer, so children are shared between parents.
    /// The first layer is rooted. 20M nodes give about 25M references.
    /// </summary>
    public static HeapSnapshot SharedDag(int nodeCount, int width, int seed)
    {
        var random = new Random(seed);
        var edgeStart = new int[nodeCount + 1];
        var edgeTargets = new List<int>(nodeCount + nodeCount / 4);
        for (int node = 0; node < nodeCount; node++)
        {
            int below = node + width;
            if (below < nodeCount)
            {
                edgeTargets.Add(below);
                if (random.Next(4) == 0)
                {
                    int layerStart = below - below % width;
                    edgeTargets.Add(Math.Min(layerStart + random.Next(width), nodeCount - 1));
                }
            }
            edgeStart[node + 1] = edgeTargets.Count;
        }
        var roots = Enumerable.Range(0, Math.Min(width, nodeCount)).Select(n => (n, RootKind.Static)).ToList();
        return Snapshot(nodeCount, edgeStart, edgeTargets.ToArray(), roots, random);
    }

    private static (int[] EdgeStart, int[] EdgeTargets) ToCsr(int nodeCount, int[] sources, int[] targets)
    {
        var edgeStart = new int[nodeCount + 1];
        foreach (int source in sources)
            edgeStart[source + 1]++;
        for (int node = 0; node < nodeCount; node++)
            edgeStart[node + 1] += edgeStart[node];
        var cursor = edgeStart[..nodeCount];
        var edgeTargets = new int[targets.Length];
        for (int e = 0; e < sources.Length; e++)
            edgeTargets[cursor[sources[e]]++] = targets[e];
        return (edgeStart, edgeTargets);
    }

    private static HeapSnapshot Snapshot(int nodeCount, int[] edgeStart, int[] edgeTargets, List<(int Node, RootKind Kind)> roots, Random random)
    {
        const int typeCount = 100;
        var addresses = new ulong[nodeCount];
        var sizes = new uint[nodeCount];
        var types = new int[nodeCount];
        ulong address = 0x7f00_0000_0000;
        for (int node = 0; node < nodeCount; node++)
        {
            addresses[node] = address;
            sizes[node] = (uint)(16 + 8 * random.Next(25));
            types[node] = random.Next(typeCount);
            address += sizes[node];
        }
        var typeNames = Enumerable.Range(0, typeCount).Select(t => $"Synthetic.Type{t}").ToArray();
        var heapRoots = new HeapRoots(
            roots.Select(r => r.Node).ToArray(),
            roots.Select(r => r.Kind).ToArray(),
            Enumerable.Repeat(-1, roots.Count).ToArray(),
            []);
        return new HeapSnapshot(new SnapshotMetadata(), typeNames, addresses, sizes, null, types, edgeStart, edgeTargets, heapRoots);
    }
}
