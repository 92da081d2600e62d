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
/// a bit set small enough to stay in cache; each node's edge offset and first target sit side by
/// side (one miss instead of two to go one level down); the rest of a node's edges and the next
/// sibling are prefetched while the walk is busy elsewhere.
/// </summary>
internal sealed unsafe class DepthFirstNumbering
{
    private readonly int[] _edgeTargets;
    private readonly int[] _rootNodes;
    private readonly RootKind[] _rootKinds;
    /// <summary>Per node: its first edge index (low half) and first target (high half; -1 without edges), read with one miss.</summary>
    private readonly long[] _nodeEdges;
    private readonly int _edgeCount;
    private readonly ulong[] _visited;
    private readonly int[] _number;
    private readonly VertexState* _state;
    private readonly UpEdges _upEdges;
    private int _count;

    private DepthFirstNumbering(HeapSnapshot snapshot, long[] scratch, int[] number, VertexState* state, UpEdges upEdges)
    {
        _edgeTargets = snapshot.EdgeTargets;
        _edgeCount = snapshot.EdgeCount;
        _rootNodes = snapshot.Roots.Nodes;
        _rootKinds = snapshot.Roots.Kinds;
        _nodeEdges = FillNodeEdges(snapshot.EdgeStart, snapshot.EdgeTargets, scratch);
        _visited = new ulong[(number.Length + 63) >> 6];
        _number = number;
        _state = state;
        _upEdges = upEdges;
    }

    /// <summary>
    /// Fills number (node -> DFS number, 0 = unreached) and state (one entry per node plus one);
    /// returns the vertex count including the synthetic root. <paramref name="scratch"/> (one long
    /// per node, content ignored and overwritten) holds the per-node edge table during the walk.
    /// The inverse map (DFS number -> node) is not kept: it can be rebuilt from number when needed,
    /// and leaving it out keeps the walk's peak memory down.
    /// </summary>
    public static int Run(HeapSnapshot snapshot, long[] scratch, int[] number, VertexState* state, UpEdges upEdges) =>
        new DepthFirstNumbering(snapshot, scratch, number, state, upEdges).Walk();

    private static long[] FillNodeEdges(int[] edgeStart, int[] edgeTargets, long[] nodeEdges)
    {
        for (int node = 0; node < nodeEdges.Length; node++)
        {
            int start = edgeStart[node];
            int firstTarget = start < edgeStart[node + 1] ? edgeTargets[start] : -1;
            nodeEdges[node] = ((long)firstTarget << 32) | (uint)start;
        }
        return nodeEdges;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Walk()
    {
        _state[0] = new VertexState { Ancestor = 0, Semi = 0, Label = _rootNodes.Length };
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
                // Finished: the fields take their Semi-NCA starting values. Semi holds the smallest
                // lower-numbered predecessor (so far the parent), Label the vertex itself, Idom the parent.
                ref VertexState finished = ref _state[current];
                finished.Semi = finished.Ancestor;
                finished.Label = current;
                finished.Idom = finished.Ancestor;
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
            long edges = _nodeEdges[node];
            if (siblingEdge >= 0)
                CacheHint.Prefetch(_nodeEdges, _edgeTargets[siblingEdge]);
            int start = (int)edges;
            int end = node + 1 < _nodeEdges.Length ? (int)_nodeEdges[node + 1] : _edgeCount;
            ref VertexState entered = ref _state[v];
            entered.Ancestor = parent;
            entered.Label = end;
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
            int target = CheckNode((int)(edges >> 32));
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
        ref VertexState cur = ref _state[current];
        int e = cur.Semi;
        int end = cur.Label;
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
                    CacheHint.Prefetch(_nodeEdges, _edgeTargets[e]);
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int CheckNode(int target)
    {
        if ((uint)target >= (uint)_number.Length)
            throw new HeapLensException($"The snapshot is corrupt: a reference points to object {target}, but there are only {_number.Length} objects.");
        return target;
    }
}
