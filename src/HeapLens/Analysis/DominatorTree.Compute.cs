using System.Runtime.CompilerServices;
using HeapLens.Snapshots;

namespace HeapLens.Analysis;

public sealed partial class DominatorTree
{
    private const int PrefetchDistance = 16;

    /// <summary>Computes dominators and retained sizes of a snapshot (Semi-NCA, near-linear, iterative).</summary>
    /// <remarks>
    /// Memory, per object (beyond the snapshot's): the results take 20 bytes (dominator 4,
    /// retained size 8, preorder 4, subtree size 4), and no phase needs more than that at once:
    /// the DFS 4 (its numbers, which become the dominators in place) + 12 of state + 4 of edge
    /// table, Semi-NCA 4 + 16 of state; the layout 4 + 8 of state + 8 of preorder and subtree
    /// sizes; the retained sizes come last, when the state is gone. Plus 8 per up edge (back and
    /// cross edges) during the DFS.
    /// </remarks>
    public static DominatorTree Compute(HeapSnapshot snapshot, CancellationToken cancellation = default)
    {
        var dfs = SemiNcaDominators.Compute(snapshot, cancellation);
        int[] idom = dfs.Number; // translated in place
        TreeLayout layout;
        try
        {
            using var entries = CountSubtreeNodes(dfs);
            cancellation.ThrowIfCancellationRequested();
            layout = LayOutSubtrees(entries, dfs.Count);
            TranslateToNodes(idom, entries, layout.Preorder);
        }
        finally
        {
            dfs.Dispose(); // a no-op once the counting pass has taken the state over
        }
        cancellation.ThrowIfCancellationRequested();
        long[] retained = SumRetainedSizes(snapshot, idom, layout.Preorder, out long reachableBytes, out long unreachableBytes);
        var children = new Lazy<DominatorChildren>(() => DominatorChildren.Build(idom));
        return new DominatorTree(idom, retained, children, layout, snapshot.NodeCount - (dfs.Count - 1), reachableBytes, unreachableBytes);
    }

    /// <summary>What the layout passes need per vertex: 8 bytes, over the memory of its <see cref="VertexState"/>.</summary>
    private struct LayoutEntry
    {
        public int Nodes;  // nodes in v's subtree; then v's slot in the preorder
        public int Idom;
    }

    /// <summary>
    /// Subtree node counts. A dominator is numbered below everything it dominates, so one pass in
    /// reverse DFS order finishes each subtree before adding it to its dominator. The vertex state
    /// is first shrunk in place to 8 bytes (subtree count, dominator): forwards, each entry moves
    /// down and never overwrites one not yet moved. Takes over the state's memory.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe NativeArray<LayoutEntry> CountSubtreeNodes(SemiNcaDominators.Result dfs)
    {
        int count = dfs.Count;
        VertexState* state = dfs.State.Pointer;
        var compact = (LayoutEntry*)state;
        for (int v = 0; v < count; v++)
        {
            int dominator = state[v].Idom;
            compact[v] = new LayoutEntry { Nodes = 0, Idom = dominator };
        }
        var entries = dfs.State.ShrinkAs<LayoutEntry>(count);
        LayoutEntry* entry = entries.Pointer;
        for (int v = count - 1; v >= 1; v--)
        {
            int nodes = ++entry[v].Nodes;
            entry[entry[v].Idom].Nodes += nodes;
        }
        return entries;
    }

    /// <summary>
    /// Retained sizes, once the dominators are node indices and the preorder is laid out: every node
    /// starts with its own size, and backwards through the preorder (a dominator comes before
    /// everything it dominates) each finished subtree is added to its dominator. Allocated last, so
    /// the 8 bytes per object never sit on top of the dominator computation's working memory.
    /// Unreachable nodes keep their own size.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long[] SumRetainedSizes(HeapSnapshot snapshot, int[] idom, int[] preorder, out long reachableBytes, out long unreachableBytes)
    {
        uint[] sizes = snapshot.Sizes;
        var retained = GC.AllocateUninitializedArray<long>(idom.Length);
        long unreachable = 0;
        for (int node = 0; node < retained.Length; node++)
        {
            uint size = sizes[node];
            long own = size == uint.MaxValue ? snapshot.SizeOf(node) : size;
            retained[node] = own;
            if (idom[node] == Unreachable)
                unreachable += own;
        }

        long reachable = 0;
        for (int position = preorder.Length - 1; position >= 0; position--)
        {
            if (position >= PrefetchDistance)
            {
                int ahead = preorder[position - PrefetchDistance];
                CacheHint.Prefetch(idom, ahead);
                CacheHint.Prefetch(retained, ahead);
            }
            int node = preorder[position];
            int dominator = idom[node];
            long total = retained[node];
            if (dominator == SyntheticRoot)
                reachable += total;
            else
                retained[dominator] += total;
        }
        reachableBytes = reachable;
        unreachableBytes = unreachable;
        return retained;
    }

    /// <summary>
    /// The dominator tree's preorder: one pass forward in DFS order hands each vertex a slot range
    /// inside its dominator's. Working in DFS-number space keeps it sequential except for the
    /// dominator's entry. The DFS-number-to-node map is gone (it would cost 4 bytes per object
    /// here, at the analysis' peak), so the slot's node is filled in by a pass over the nodes;
    /// meanwhile a vertex's own preorder entry holds the next free slot for its children.
    /// Each entry's Nodes becomes the vertex's slot.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe TreeLayout LayOutSubtrees(NativeArray<LayoutEntry> entries, int count)
    {
        LayoutEntry* entry = entries.Pointer;
        var preorder = GC.AllocateUninitializedArray<int>(count - 1);
        var subtreeSize = GC.AllocateUninitializedArray<int>(count - 1);
        int nextRootSlot = 0;
        for (int v = 1; v < count; v++)
        {
            int d = entry[v].Idom;
            ref int next = ref d == 0 ? ref nextRootSlot : ref preorder[entry[d].Nodes];
            int slot = next;
            int nodes = entry[v].Nodes;
            next = slot + nodes;
            entry[v].Nodes = slot;
            preorder[slot] = slot + 1;
            subtreeSize[slot] = nodes;
        }
        return new TreeLayout(preorder, subtreeSize);
    }

    /// <summary>
    /// Puts each node in its preorder slot, then turns the DFS numbers in <paramref name="number"/>
    /// into each node's immediate dominator, in place (the dominator's node is read from its slot).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void TranslateToNodes(int[] number, NativeArray<LayoutEntry> entries, int[] preorder)
    {
        LayoutEntry* entry = entries.Pointer;
        for (int node = 0; node < number.Length; node++)
        {
            int v = number[node];
            if (v != 0)
                preorder[entry[v].Nodes] = node;
        }
        for (int node = 0; node < number.Length; node++)
        {
            int v = number[node];
            if (v == 0)
            {
                number[node] = Unreachable;
            }
            else
            {
                int d = entry[v].Idom;
                number[node] = d == 0 ? SyntheticRoot : preorder[entry[d].Nodes];
            }
        }
    }
}
