using System.Runtime.CompilerServices;
using HeapLens.Snapshots;

namespace HeapLens.Analysis;

/// <summary>
/// The DFS of Semi-NCA: numbers the nodes reachable from the strong roots in preorder (0 is the
/// synthetic root), records DFS parents, and sorts out every other edge x -> t on the fly:
/// to a higher number it is a forward edge (t is a finished descendant of x) and lowers t's
/// smallest-predecessor candidate; to a lower number it is a back or cross edge, kept in
/// <see cref="UpEdges"/> for the semidominator pass. Self-loops change nothing.
///
/// Iterative: the DFS parent pointers double as the stack, and each vertex's edge cursor and
/// edge end are parked in its Semi and Label fields, so a 20M-deep chain needs no extra memory.
///
/// On a big heap this walk is a chain of dependent cache misses (node -> its edges -> a target
/// -> its edges...), and it dominates the whole computation. To shorten the chain: "visited" is
/// a bit set small enough to stay in cache; each node's first target has a table of its own, read
/// at the same time as the node's edge offsets (two misses that overlap, instead of the offsets
/// and then, depending on them, the first target); the rest of a node's edges and the next
/// sibling are prefetched while the walk is busy elsewhere.
///
/// Per vertex the walk needs 12 bytes (<see cref="DfsEntry"/>): the Semi-NCA state's other fields
/// are known once it is done (Label = the vertex itself, Idom = the DFS parent), so they are added
/// afterwards (<see cref="SemiNcaDominators"/>), when the first-target table is gone.
/// </summary>
internal sealed unsafe class DepthFirstNumbering
{
    private readonly int[] _edgeTargets;
    private readonly int[] _edgeStart;
    private readonly int[] _rootNodes;
    private readonly RootKind[] _rootKinds;
    /// <summary>Per node: its first target (-1 without edges), so that going one level down does not wait for the edge offset.</summary>
    private readonly int* _firstTarget;
    private readonly ulong[] _visited;
    private readonly int[] _number;
    private readonly DfsEntry* _state;
    private readonly UpEdges _upEdges;
    private int _count;

    private DepthFirstNumbering(HeapSnapshot snapshot, int* firstTarget, int[] number, DfsEntry* state, UpEdges upEdges)
    {
        _edgeTargets = snapshot.EdgeTargets;
        _edgeStart = snapshot.EdgeStart;
        _rootNodes = snapshot.Roots.Nodes;
        _rootKinds = snapshot.Roots.Kinds;
        _firstTarget = firstTarget;
        _visited = new ulong[(number.Length + 63) >> 6];
        _number = number;
        _state = state;
        _upEdges = upEdges;
    }

    /// <summary>
    /// Fills number (node -> DFS number, 0 = unreached) and state (one entry per node plus one);
    /// returns the vertex count including the synthetic root. A finished vertex's entry holds its
    /// DFS parent and its smallest lower-numbered predecessor.
    /// The inverse map (DFS number -> node) is not kept: it can be rebuilt from number when needed,
    /// and leaving it out keeps the walk's peak memory down.
    /// </summary>
    public static int Run(HeapSnapshot snapshot, int[] number, DfsEntry* state, UpEdges upEdges)
    {
        // 4 bytes per node for the walk only: freed before the state grows to its full size.
        using var firstTarget = new NativeArray<int>(snapshot.NodeCount);
        FillFirstTargets(snapshot.EdgeStart, snapshot.EdgeTargets, firstTarget.Pointer, snapshot.NodeCount);
        return new DepthFirstNumbering(snapshot, firstTarget.Pointer, number, state, upEdges).Walk();
    }

    private static void FillFirstTargets(int[] edgeStart, int[] edgeTargets, int* firstTarget, int nodeCount)
    {
        for (int node = 0; node < nodeCount; node++)
        {
            int start = edgeStart[node];
            firstTarget[node] = start < edgeStart[node + 1] ? edgeTargets[start] : -1;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Walk()
    {
        _state[0] = new DfsEntry { Ancestor = 0, Semi = 0, End = _rootNodes.Length };
        _count = 1;
        int current = 0;
        while (true)
        {
            int next = NextUnvisitedSuccessor(current);
            if (next >= 0)
            {
                current = Enter(next, current);
            }
            else
            {
                // Finished: Semi holds the smallest lower-numbered predecessor (so far the parent).
                ref DfsEntry finished = ref _state[current];
                finished.Semi = finished.Ancestor;
                if (current == 0)
                    return _count;
                current = finished.Ancestor;
            }
        }
    }

    /// <summary>
    /// Numbers a node, then keeps going down through first targets while they are unvisited
    /// (the common case, handled without touching the edge array). Returns the vertex to resume scanning.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Enter(int node, int parent)
    {
        // The parent's second edge, prefetched one level up: by now its target is known, and
        // that sibling's edge table entry can be loaded before the walk comes back for it.
        int siblingEdge = -1;
        while (true)
        {
            int v = _count++;
            _number[node] = v;
            int first = _firstTarget[node];
            int start = _edgeStart[node];
            int end = _edgeStart[node + 1];
            if (siblingEdge >= 0)
                PrefetchNode(_edgeTargets[siblingEdge]);
            ref DfsEntry entered = ref _state[v];
            entered.Ancestor = parent;
            entered.End = end;
            if (start == end)
            {
                entered.Semi = end;
                return v;
            }
            // Scanning the other edges comes later: start loading them now.
            siblingEdge = -1;
            if (start + 1 < end)
            {
                CacheHint.Prefetch(_edgeTargets, start + 1);
                siblingEdge = start + 1;
            }
            entered.Semi = start + 1;
            int target = CheckNode(first);
            if (!TryVisit(target, v))
                return v;
            parent = v;
            node = target;
        }
    }

    /// <summary>Scans the vertex's remaining successors; returns the first unvisited one, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int NextUnvisitedSuccessor(int current)
    {
        ref DfsEntry cur = ref _state[current];
        int e = cur.Semi;
        int end = cur.End;
        int next = -1;
        while (e < end)
        {
            int target;
            if (current == 0)
            {
                // The synthetic root's successors: the roots that keep objects alive.
                int root = e++;
                if (!_rootKinds[root].KeepsAlive())
                    continue;
                target = _rootNodes[root];
                if ((uint)target >= (uint)_number.Length)
                    throw new HeapLensException($"The snapshot is corrupt: GC root {root} refers to object {target}, but there are only {_number.Length} objects.");
            }
            else
            {
                target = CheckNode(_edgeTargets[e++]);
            }
            if (TryVisit(target, current))
            {
                // The walk returns here after the subtree of target: have the next sibling's edges ready.
                if (current != 0 && e < end)
                    PrefetchNode(_edgeTargets[e]);
                next = target;
                break;
            }
        }
        cur.Semi = e;
        return next;
    }

    /// <summary>
    /// Marks target visited and returns true when it was not; otherwise files the edge from
    /// <paramref name="source"/> as a forward or an up edge.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryVisit(int target, int source)
    {
        ref ulong word = ref _visited[target >> 6];
        ulong bit = 1UL << target;
        if ((word & bit) == 0)
        {
            word |= bit;
            return true;
        }
        int w = _number[target];
        if (w > source)
        {
            ref int smallest = ref _state[w].Semi;
            if (source < smallest)
                smallest = source;
        }
        else if (w < source)
        {
            _upEdges.Add(w, source);
        }
        return false;
    }

    /// <summary>Starts loading what entering a node reads first: its first target and its edge offsets.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PrefetchNode(int node)
    {
        if ((uint)node < (uint)_number.Length)
        {
            CacheHint.Prefetch(_firstTarget + node);
            CacheHint.Prefetch(_edgeStart, node);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int CheckNode(int target)
    {
        if ((uint)target >= (uint)_number.Length)
            throw new HeapLensException($"The snapshot is corrupt: a reference points to object {target}, but there are only {_number.Length} objects.");
        return target;
    }
}
