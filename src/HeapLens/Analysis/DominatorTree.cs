using System.Runtime.InteropServices;
using HeapLens.Snapshots;

namespace HeapLens.Analysis;

/// <summary>
/// The dominator tree of a heap snapshot and the retained size of every object.
///
/// A synthetic root has the strong GC roots as successors; object A dominates B when every path
/// from that root to B passes through A. The retained size of A is its own size plus the sizes of
/// everything it dominates: the bytes a GC would free if A were unreachable.
/// Weak-handle roots are not paths: an object held only by weak handles is unreachable.
///
/// Unreachable objects (none in a heap walked right after a full GC, except those held only by
/// weak handles) are not part of the tree: their immediate dominator is <see cref="Unreachable"/>,
/// their retained size is their own size, and they appear in no child list.
/// </summary>
public sealed class DominatorTree
{
    /// <summary>Immediate dominator value of the nodes held directly by the synthetic root.</summary>
    public const int SyntheticRoot = -1;

    /// <summary>Immediate dominator value of nodes no strong root reaches.</summary>
    public const int Unreachable = -2;

    private DominatorTree(int[] immediateDominator, long[] retainedSize, DominatorChildren children, TreeLayout layout,
        int unreachableCount, long reachableBytes, long unreachableBytes)
    {
        ImmediateDominator = immediateDominator;
        Preorder = layout.Preorder;
        SubtreeSize = layout.SubtreeSize;
        RetainedSize = retainedSize;
        ChildStart = children.ChildStart;
        Children = children.Children;
        RootChildren = children.RootChildren;
        UnreachableCount = unreachableCount;
        ReachableBytes = reachableBytes;
        UnreachableBytes = unreachableBytes;
    }

    /// <summary>Per node: the node that immediately dominates it, <see cref="SyntheticRoot"/> or <see cref="Unreachable"/>.</summary>
    public int[] ImmediateDominator { get; }

    /// <summary>Per node: its own size plus the size of everything it dominates (own size for unreachable nodes).</summary>
    public long[] RetainedSize { get; }

    /// <summary>The children of node x are <see cref="Children"/>[ChildStart[x] .. ChildStart[x+1]), in ascending node order.</summary>
    public int[] ChildStart { get; }

    public int[] Children { get; }

    /// <summary>The nodes whose immediate dominator is the synthetic root, in ascending node order.</summary>
    public int[] RootChildren { get; }

    /// <summary>
    /// The reachable nodes in a preorder of the dominator tree: every subtree is contiguous.
    /// The subtree of Preorder[i] is Preorder[i .. i + SubtreeSize[i]).
    /// </summary>
    public int[] Preorder { get; }

    /// <summary>Per position in <see cref="Preorder"/>: the number of nodes in that node's subtree, itself included.</summary>
    public int[] SubtreeSize { get; }

    public int NodeCount => ImmediateDominator.Length;

    public int UnreachableCount { get; }

    public int ReachableCount => NodeCount - UnreachableCount;

    /// <summary>Bytes reachable from strong roots: the synthetic root's retained size.</summary>
    public long ReachableBytes { get; }

    public long UnreachableBytes { get; }

    public bool IsReachable(int node) => ImmediateDominator[node] != Unreachable;

    public ReadOnlySpan<int> ChildrenOf(int node) =>
        Children.AsSpan(ChildStart[node], ChildStart[node + 1] - ChildStart[node]);

    /// <summary>The children of a node, biggest retained size first (ties by node index). A fresh array.</summary>
    public int[] ChildrenByRetainedSize(int node) => SortByRetainedSize(ChildrenOf(node));

    /// <summary>The synthetic root's children, biggest retained size first (ties by node index). A fresh array.</summary>
    public int[] RootChildrenByRetainedSize() => SortByRetainedSize(RootChildren);

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
        DominatorChildren children = default;
        // Independent passes (they write disjoint entries of `retained`): use both cores.
        Parallel.Invoke(
            () => (reachableBytes, layout) = SizeAndLayOutSubtrees(snapshot, dfs, retained),
            () =>
            {
                unreachableBytes = TranslateToNodes(snapshot, dfs, retained);
                children = DominatorChildren.Build(idom);
            });
        cancellation.ThrowIfCancellationRequested();
        return new DominatorTree(idom, retained, children, layout, snapshot.NodeCount - (dfs.Count - 1), reachableBytes, unreachableBytes);
    }

    /// <summary>
    /// Retained sizes of the reachable nodes, and the dominator tree's preorder. A dominator is
    /// numbered below everything it dominates, so one pass in reverse DFS order finishes each
    /// subtree (bytes and node count) before adding it to its dominator, and one pass forward
    /// hands each node a slot range inside its dominator's. Working in DFS-number space keeps
    /// both passes sequential except for the dominator's entry. Returns the reachable bytes.
    /// </summary>
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

    /// <summary>
    /// Rebuilds a tree from stored arrays (e.g. read back from a snapshot file) without recomputing
    /// dominators. Checks that the arrays form a forest over the snapshot's nodes; throws
    /// <see cref="HeapLensException"/> when they do not.
    /// </summary>
    public static DominatorTree FromStored(HeapSnapshot snapshot, int[] immediateDominator, long[] retainedSize)
    {
        int nodeCount = snapshot.NodeCount;
        if (immediateDominator.Length != nodeCount || retainedSize.Length != nodeCount)
            throw new HeapLensException($"The stored dominator tree has {immediateDominator.Length} dominators and {retainedSize.Length} retained sizes for {nodeCount} objects.");

        int unreachableCount = 0;
        long unreachableBytes = 0;
        for (int node = 0; node < nodeCount; node++)
        {
            int parent = immediateDominator[node];
            if (parent < Unreachable || parent >= nodeCount || parent == node)
                throw new HeapLensException($"The stored dominator tree is corrupt: object {node} has dominator {parent}.");
            long size = snapshot.SizeOf(node);
            if (retainedSize[node] < size || (parent == Unreachable && retainedSize[node] != size))
                throw new HeapLensException($"The stored dominator tree is corrupt: object {node} retains {retainedSize[node]} bytes but is {size} bytes itself.");
            if (parent == Unreachable)
            {
                unreachableCount++;
                unreachableBytes += size;
            }
        }

        var children = DominatorChildren.Build(immediateDominator);
        long reachableBytes = 0;
        foreach (int node in children.RootChildren)
            reachableBytes += retainedSize[node];
        // A cycle of dominators hangs off no root: the walk from the roots would miss it.
        var layout = TreeLayout.Walk(children, nodeCount - unreachableCount)
            ?? throw new HeapLensException("The stored dominator tree is corrupt: its dominators form a cycle.");

        return new DominatorTree(immediateDominator, retainedSize, children, layout, unreachableCount, reachableBytes, unreachableBytes);
    }

    private int[] SortByRetainedSize(ReadOnlySpan<int> nodes)
    {
        int[] sorted = nodes.ToArray();
        long[] retained = RetainedSize;
        Array.Sort(sorted, (a, b) =>
        {
            int byRetained = retained[b].CompareTo(retained[a]);
            return byRetained != 0 ? byRetained : a.CompareTo(b);
        });
        return sorted;
    }
}
