using HeapLens.Snapshots;

namespace HeapLens.Analysis;

/// <summary>
/// Shortest reference paths from the GC roots, by one breadth-first search from every root that
/// keeps objects alive (weak handles do not). Iterative, two ints per object.
/// </summary>
public sealed class ShortestPaths : IRootPaths
{
    private const int NotReached = -2;
    private const int IsRoot = -1;

    private readonly HeapSnapshot _snapshot;
    private readonly int[] _parent;
    private readonly int[] _rootOf;

    private ShortestPaths(HeapSnapshot snapshot, int[] parent, int[] rootOf)
    {
        _snapshot = snapshot;
        _parent = parent;
        _rootOf = rootOf;
    }

    public static ShortestPaths Compute(HeapSnapshot snapshot)
    {
        int n = snapshot.NodeCount;
        var parent = new int[n];
        Array.Fill(parent, NotReached);
        var rootOf = new int[n]; // the root each path starts from, valid where parent != NotReached
        var queue = new int[n];
        int head = 0, tail = 0;
        var roots = snapshot.Roots;
        foreach (int r in SearchOrder(roots))
        {
            int node = roots.Nodes[r];
            if (!roots.Kinds[r].KeepsAlive() || parent[node] != NotReached)
                continue;
            parent[node] = IsRoot;
            rootOf[node] = r;
            queue[tail++] = node;
        }
        int[] edgeStart = snapshot.EdgeStart;
        int[] targets = snapshot.EdgeTargets;
        while (head < tail)
        {
            int node = queue[head++];
            for (int e = edgeStart[node]; e < edgeStart[node + 1]; e++)
            {
                int next = targets[e];
                if (parent[next] != NotReached)
                    continue;
                parent[next] = node;
                rootOf[next] = rootOf[node];
                queue[tail++] = next;
            }
        }
        return new ShortestPaths(snapshot, parent, rootOf);
    }

    /// <summary>The roots in the order the search starts from them: statics first, so that among equally short paths the one from a named field wins.</summary>
    internal static int[] SearchOrder(HeapRoots roots) =>
        Enumerable.Range(0, roots.Count).OrderBy(r => roots.Kinds[r] == RootKind.Static ? 0 : 1).ToArray();

    public bool IsReachable(int node) => _parent[node] != NotReached;

    /// <summary>The root index (into the snapshot's roots) the shortest path to the node starts from.</summary>
    public int RootOf(int node) => IsReachable(node) ? _rootOf[node] : -1;

    public int[] RootsOf(IReadOnlyList<int> nodes) => nodes.Select(RootOf).ToArray();

    /// <summary>The objects from the rooted one down to <paramref name="node"/>; empty if no strong root reaches it.</summary>
    public IReadOnlyList<int> PathTo(int node)
    {
        if (!IsReachable(node))
            return [];
        var path = new List<int>();
        for (int at = node; at != IsRoot; at = _parent[at])
            path.Add(at);
        path.Reverse();
        return path;
    }

    /// <summary>
    /// The path to <paramref name="node"/> as runs of same-typed objects, from the root down; empty if no
    /// strong root reaches it. Memory grows with the number of runs, not with the path's length.
    /// </summary>
    public List<NodeRun> RunsTo(int node, out int root)
    {
        root = RootOf(node);
        if (!IsReachable(node))
            return [];
        var runs = new NodeRunBuilder(_snapshot);
        for (int at = node; at != IsRoot; at = _parent[at])
            runs.Add(at);
        return runs.Reversed();
    }
}
