using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using HeapLens.Snapshots;

namespace HeapLens.Analysis;

public sealed partial class DominatorTree
{
    /// <summary>Computes dominators and retained sizes of a snapshot (Semi-NCA, near-linear, iterative).</summary>
    public static DominatorTree Compute(HeapSnapshot snapshot, CancellationToken cancellation = default)
    {
        var retained = GC.AllocateUninitializedArray<long>(snapshot.NodeCount);
        // `retained` is not filled before the dominators are known: it lends its memory to the DFS.
        var dfs = SemiNcaDominators.Compute(snapshot, retained, cancellation);
        int[] idom = dfs.Number; // translated in place
        long reachableBytes = 0;
        long unreachableBytes = 0;
        TreeLayout layout = default;
        // Independent passes (they write disjoint entries of `retained`): use both cores.
        Parallel.Invoke(
            () => (reachableBytes, layout) = SizeAndLayOutSubtrees(snapshot, dfs, retained),
            () => unreachableBytes = TranslateToNodes(snapshot, dfs, retained));
        cancellation.ThrowIfCancellationRequested();
        var children = new Lazy<DominatorChildren>(() => DominatorChildren.Build(idom));
        return new DominatorTree(idom, retained, children, layout, snapshot.NodeCount - (dfs.Count - 1), reachableBytes, unreachableBytes);
    }

    /// <summary>
    /// Retained sizes of the reachable nodes, and the dominator tree's preorder. A dominator is
    /// numbered below everything it dominates, so one pass in reverse DFS order finishes each
    /// subtree (bytes and node count) before adding it to its dominator, and one pass forward
    /// hands each node a slot range inside its dominator's. Working in DFS-number space keeps
    /// both passes sequential except for the dominator's entry. Returns the reachable bytes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (long ReachableBytes, TreeLayout Layout) SizeAndLayOutSubtrees(HeapSnapshot snapshot, SemiNcaDominators.Result dfs, long[] retained)
    {
        uint[] sizes = snapshot.Sizes;
        int[] vertex = dfs.Vertex;
        int[] idom = dfs.Idom;
        int count = dfs.Count;
        // The Semi-NCA working array is free now and as big: reuse its memory for the subtree totals.
        Span<SubtreeTotals> subtree = MemoryMarshal.Cast<VertexState, SubtreeTotals>(dfs.Scratch.AsSpan(0, count));
        subtree.Clear();
        for (int v = count - 1; v >= 1; v--)
        {
            int node = vertex[v];
            uint size = sizes[node];
            ref SubtreeTotals own = ref subtree[v];
            long total = own.Bytes + (size == uint.MaxValue ? snapshot.SizeOf(node) : size);
            retained[node] = total;
            ref SubtreeTotals parent = ref subtree[idom[v]];
            parent.Bytes += total;
            parent.Nodes += ++own.Nodes;
        }
        long reachableBytes = subtree[0].Bytes;

        var preorder = GC.AllocateUninitializedArray<int>(count - 1);
        var subtreeSize = GC.AllocateUninitializedArray<int>(count - 1);
        // Nodes becomes the next free slot in the subtree's range: the root's range starts at 0.
        subtree[0].Nodes = 0;
        for (int v = 1; v < count; v++)
        {
            ref SubtreeTotals parent = ref subtree[idom[v]];
            int slot = parent.Nodes;
            int nodes = subtree[v].Nodes;
            parent.Nodes = slot + nodes;
            subtree[v].Nodes = slot + 1;
            preorder[slot] = vertex[v];
            subtreeSize[slot] = nodes;
        }
        return (reachableBytes, new TreeLayout(preorder, subtreeSize));
    }

    /// <summary>Bytes and node count of a subtree, in the memory of a <see cref="VertexState"/>.</summary>
    private struct SubtreeTotals
    {
        public long Bytes;
        public int Nodes;
    }

    /// <summary>
    /// Turns the DFS numbers in dfs.Number into each node's immediate dominator, in place, and gives
    /// unreachable nodes their own size as retained size. Returns the unreachable bytes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long TranslateToNodes(HeapSnapshot snapshot, SemiNcaDominators.Result dfs, long[] retained)
    {
        int[] number = dfs.Number;
        int[] vertex = dfs.Vertex;
        int[] idom = dfs.Idom;
        long unreachableBytes = 0;
        for (int node = 0; node < number.Length; node++)
        {
            int v = number[node];
            if (v == 0)
            {
                number[node] = Unreachable;
                retained[node] = snapshot.SizeOf(node);
                unreachableBytes += retained[node];
            }
            else
            {
                int d = idom[v];
                number[node] = d == 0 ? SyntheticRoot : vertex[d];
            }
        }
        return unreachableBytes;
    }
}
