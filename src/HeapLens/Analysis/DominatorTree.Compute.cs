using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using HeapLens.Snapshots;

namespace HeapLens.Analysis;

public sealed partial class DominatorTree
{
    /// <summary>Computes dominators and retained sizes of a snapshot (Semi-NCA, near-linear, iterative).</summary>
    /// <remarks>
    /// Memory, per object (beyond the snapshot's): the results take 20 bytes (dominator 4,
    /// retained size 8, preorder 4, subtree size 4). The working memory is laid out so that the
    /// peak stays at 28 bytes: during the DFS, 12 of results (the DFS numbers become the dominators,
    /// the retained sizes lend their memory to the edge table and then to the up edges) and 16 of
    /// vertex state; during the layout, 20 of results and 8 of state, shrunk in place. Plus 8 per
    /// up edge (back and cross edges) during the DFS.
    /// </remarks>
    public static DominatorTree Compute(HeapSnapshot snapshot, CancellationToken cancellation = default)
    {
        var retained = GC.AllocateUninitializedArray<long>(snapshot.NodeCount);
        // `retained` is not filled before the dominators are known: it lends its memory to the DFS.
        var dfs = SemiNcaDominators.Compute(snapshot, retained, cancellation);
        int[] idom = dfs.Number; // translated in place
        long unreachableBytes;
        long reachableBytes;
        TreeLayout layout;
        try
        {
            using var sized = SizeSubtrees(snapshot, dfs, retained, out reachableBytes, out unreachableBytes);
            cancellation.ThrowIfCancellationRequested();
            layout = LayOutSubtrees(sized, dfs.Count);
            TranslateToNodes(idom, sized, layout.Preorder);
        }
        finally
        {
            dfs.Dispose(); // a no-op once the sizing pass has taken the state over
        }
        cancellation.ThrowIfCancellationRequested();
        var children = new Lazy<DominatorChildren>(() => DominatorChildren.Build(idom));
        return new DominatorTree(idom, retained, children, layout, snapshot.NodeCount - (dfs.Count - 1), reachableBytes, unreachableBytes);
    }

    /// <summary>
    /// A vertex's entry once the dominators are known, over the memory of its <see cref="VertexState"/>:
    /// Idom stays where Semi-NCA left it, the other fields are reused.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct SizingEntry
    {
        public int Vertex; // the node numbered v
        public int Nodes;  // nodes in v's subtree
        public int Unused;
        public int Idom;   // = VertexState.Idom
    }

    /// <summary>What the layout passes need per vertex: 8 bytes of its <see cref="SizingEntry"/>.</summary>
    private struct LayoutEntry
    {
        public int Nodes;  // nodes in v's subtree; then v's slot in the preorder
        public int Idom;
    }

    /// <summary>
    /// Retained sizes and subtree node counts. A dominator is numbered below everything it
    /// dominates, so one pass in reverse DFS order finishes each subtree before adding it to its
    /// dominator. The vertex state becomes the per-vertex entries (node, subtree count, dominator),
    /// shrunk in place to 8 bytes (subtree count, dominator) for the layout: it returns them and
    /// takes over the state's memory.
    /// Unreachable nodes get their own size as retained size.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe NativeArray<LayoutEntry> SizeSubtrees(HeapSnapshot snapshot, SemiNcaDominators.Result dfs, long[] retained,
        out long reachableBytes, out long unreachableBytes)
    {
        uint[] sizes = snapshot.Sizes;
        int[] number = dfs.Number;
        int count = dfs.Count;
        var entries = (SizingEntry*)dfs.State.Pointer;
        for (int v = 0; v < count; v++)
            entries[v].Nodes = 0;
        entries[0].Vertex = -1;

        // Every node starts with its own size; each reachable one learns its DFS number's node.
        long unreachable = 0;
        for (int node = 0; node < number.Length; node++)
        {
            uint size = sizes[node];
            long own = size == uint.MaxValue ? snapshot.SizeOf(node) : size;
            retained[node] = own;
            int v = number[node];
            if (v == 0)
                unreachable += own;
            else
                entries[v].Vertex = node;
        }

        long reachable = 0;
        for (int v = count - 1; v >= 1; v--)
        {
            ref SizingEntry entry = ref entries[v];
            long total = retained[entry.Vertex];
            int nodes = ++entry.Nodes;
            ref SizingEntry dominator = ref entries[entry.Idom];
            dominator.Nodes += nodes;
            if (entry.Idom == 0)
                reachable += total;
            else
                retained[dominator.Vertex] += total;
        }
        reachableBytes = reachable;
        unreachableBytes = unreachable;

        // Forwards, each entry moves down to 8 bytes: it never overwrites one not yet moved.
        var compact = (LayoutEntry*)entries;
        for (int v = 0; v < count; v++)
        {
            SizingEntry entry = entries[v];
            compact[v] = new LayoutEntry { Nodes = entry.Nodes, Idom = entry.Idom };
        }
        return dfs.State.ShrinkAs<LayoutEntry>(count);
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
