using HeapLens.Analysis;
using HeapLens.Snapshots;

namespace HeapLens.Tests.Analysis;

/// <summary>
/// Dominators by definition, for small graphs: d dominates w when removing d makes w unreachable
/// from the strong roots. Quadratic and obviously right; the oracle for the property tests.
/// </summary>
internal sealed class BruteForceDominators
{
    private readonly HeapSnapshot _snapshot;

    public BruteForceDominators(HeapSnapshot snapshot)
    {
        _snapshot = snapshot;
        int n = snapshot.NodeCount;
        Reachable = ReachableWithout(-1);
        // Dominated[d][w]: d strictly dominates w.
        Dominated = new bool[n][];
        for (int d = 0; d < n; d++)
        {
            var without = ReachableWithout(d);
            Dominated[d] = new bool[n];
            for (int w = 0; w < n; w++)
                Dominated[d][w] = w != d && Reachable[w] && !without[w];
        }
    }

    public bool[] Reachable { get; }

    public bool[][] Dominated { get; }

    public int ImmediateDominator(int w)
    {
        if (!Reachable[w])
            return DominatorTree.Unreachable;
        // Strict dominators form a chain; the immediate one is the deepest: it has the most dominators itself.
        int best = DominatorTree.SyntheticRoot;
        int bestDepth = -1;
        for (int d = 0; d < _snapshot.NodeCount; d++)
        {
            if (!Dominated[d][w])
                continue;
            int depth = Enumerable.Range(0, _snapshot.NodeCount).Count(a => Dominated[a][d]);
            if (depth > bestDepth)
            {
                best = d;
                bestDepth = depth;
            }
        }
        return best;
    }

    /// <summary>Own size plus everything that becomes unreachable without the node.</summary>
    public long RetainedSize(int x)
    {
        long total = _snapshot.SizeOf(x);
        for (int w = 0; w < _snapshot.NodeCount; w++)
        {
            if (Dominated[x][w])
                total += _snapshot.SizeOf(w);
        }
        return total;
    }

    /// <summary>Bytes that become unreachable when every node matching the predicate is removed.</summary>
    public long BytesFreedWithout(Func<int, bool> removed)
    {
        var still = Reach(removed);
        long freed = 0;
        for (int w = 0; w < _snapshot.NodeCount; w++)
        {
            if (Reachable[w] && !still[w])
                freed += _snapshot.SizeOf(w);
        }
        return freed;
    }

    // The reference states on its own which roots hold objects alive (every kind but a weak handle),
    // rather than asking the product's RootKinds.KeepsAlive: a wrong answer there must fail the tests.
    private static readonly HashSet<RootKind> StrongRootKinds =
    [
        RootKind.Other, RootKind.Stack, RootKind.StrongHandle, RootKind.PinnedHandle, RootKind.RefCountedHandle,
        RootKind.FinalizerQueue, RootKind.Static, RootKind.DependentHandle, RootKind.AsyncPinnedHandle, RootKind.SizedRefHandle,
    ];

    private bool[] ReachableWithout(int removed) => Reach(node => node == removed);

    private bool[] Reach(Func<int, bool> removed)
    {
        var seen = new bool[_snapshot.NodeCount];
        var queue = new Queue<int>();
        for (int r = 0; r < _snapshot.Roots.Count; r++)
        {
            int node = _snapshot.Roots.Nodes[r];
            if (StrongRootKinds.Contains(_snapshot.Roots.Kinds[r]) && !removed(node) && !seen[node])
            {
                seen[node] = true;
                queue.Enqueue(node);
            }
        }
        while (queue.Count > 0)
        {
            foreach (int next in _snapshot.Successors(queue.Dequeue()))
            {
                if (!removed(next) && !seen[next])
                {
                    seen[next] = true;
                    queue.Enqueue(next);
                }
            }
        }
        return seen;
    }
}
