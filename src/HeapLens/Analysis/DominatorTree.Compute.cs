using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using HeapLens.Snapshots;

namespace HeapLens.Analysis;

public sealed partial class DominatorTree
{
    /// <summary>Computes dominators and retained sizes of a snapshot (Semi-NCA, near-linear, iterative).</summary>
    /// <remarks>
    /// Memory, per object (beyond the snapshot's 20 bytes and 4 per reference): the results take
    /// 20 bytes (dominator 4, retained size 8, preorder 4, subtree size 4). The working arrays are
    /// laid out so that the peak stays at 28 (during the DFS: results 12 + vertex state 16) and
    /// 32 (during the layout: results 20 + 12 of state, shrunk in place), plus the up edges.
    /// </remarks>
    public static DominatorTree Compute(HeapSnapshot snapshot, CancellationToken cancellation = default)
    {
        var retained = GC.AllocateUninitializedArray<long>(snapshot.NodeCount);
        // `retained` is not filled before the dominators are known: it lends its memory to the DFS.
        var dfs = SemiNcaDominators.Compute(snapshot, retained, cancellation);
        int[] idom = dfs.Number; // translated in place
        long unreachableBytes;
        long reachableBytes;
        TreeLayout layout = default;
        try
        {
            using var sized = SizeSubtrees(snapshot, dfs, retained, out reachableBytes, out unreachableBytes);
            cancellation.ThrowIfCancellationRequested();
            // Independent passes (one writes the layout and the Nodes fields, the other reads Vertex
            // and Idom and writes the dominators): use both cores.
            Parallel.Invoke(
                () => layout = LayOutSubtrees(sized, dfs.Count),
                () => TranslateToNodes(idom, sized));
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

    /// <summary>What the layout passes need per vertex: a <see cref="SizingEntry"/> without its unused field.</summary>
    private struct LayoutEntry
    {
        public int Vertex;
        public int Nodes;
        public int Idom;
    }

    /// <summary>
    /// Retained sizes and subtree node counts. A dominator is numbered below everything it
    /// dominates, so one pass in reverse DFS order finishes each subtree before adding it to its
    /// dominator. The vertex state becomes the per-vertex entries (node, subtree count, dominator),
    /// shrunk in place to 12 bytes for the layout: it returns them and takes over the state's memory.
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

        // Forwards, each entry moves down to 12 bytes: it never overwrites one not yet moved.
        var compact = (LayoutEntry*)entries;
        for (int v = 0; v < count; v++)
        {
            SizingEntry entry = entries[v];
            compact[v] = new LayoutEntry { Vertex = entry.Vertex, Nodes = entry.Nodes, Idom = entry.Idom };
        }
        return dfs.State.ShrinkAs<LayoutEntry>(count);
    }

    /// <summary>
    /// The dominator tree's preorder: one pass forward in DFS order hands each node a slot range
    /// inside its dominator's. Working in DFS-number space keeps it sequential except for the
    /// dominator's entry.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe TreeLayout LayOutSubtrees(NativeArray<LayoutEntry> entries, int count)
    {
        LayoutEntry* entry = entries.Pointer;
        var preorder = GC.AllocateUninitializedArray<int>(count - 1);
        var subtreeSize = GC.AllocateUninitializedArray<int>(count - 1);
        // Nodes becomes the next free slot in the subtree's range: the root's range starts at 0.
        entry[0].Nodes = 0;
        for (int v = 1; v < count; v++)
        {
            ref LayoutEntry parent = ref entry[entry[v].Idom];
            int slot = parent.Nodes;
            int nodes = entry[v].Nodes;
            parent.Nodes = slot + nodes;
            entry[v].Nodes = slot + 1;
            preorder[slot] = entry[v].Vertex;
            subtreeSize[slot] = nodes;
        }
        return new TreeLayout(preorder, subtreeSize);
    }

    /// <summary>Turns the DFS numbers in <paramref name="number"/> into each node's immediate dominator, in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void TranslateToNodes(int[] number, NativeArray<LayoutEntry> entries)
    {
        LayoutEntry* entry = entries.Pointer;
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
                number[node] = d == 0 ? SyntheticRoot : entry[d].Vertex;
            }
        }
    }
}
