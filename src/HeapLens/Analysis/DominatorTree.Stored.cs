using HeapLens.Snapshots;

namespace HeapLens.Analysis;

public sealed partial class DominatorTree
{
    /// <summary>
    /// Rebuilds a tree from stored arrays (e.g. read back from a snapshot file) without recomputing
    /// dominators, in linear time. Checks that the dominators form a forest over the snapshot's
    /// nodes and that the retained sizes add up; throws <see cref="HeapLensException"/> when not.
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
            if (parent == Unreachable)
            {
                unreachableCount++;
                unreachableBytes += snapshot.SizeOf(node);
            }
        }

        var children = DominatorChildren.Build(immediateDominator);
        long reachableBytes = 0;
        foreach (int node in children.RootChildren)
            reachableBytes += retainedSize[node];
        // A cycle of dominators hangs off no root: the walk from the roots would miss it.
        var layout = TreeLayout.FromChildLists(immediateDominator, children, nodeCount - unreachableCount)
            ?? throw new HeapLensException("The stored dominator tree is corrupt: its dominators form a cycle.");
        CheckRetainedSizes(snapshot, immediateDominator, retainedSize, children);

        return new DominatorTree(immediateDominator, retainedSize, new Lazy<DominatorChildren>(children), layout, unreachableCount, reachableBytes, unreachableBytes);
    }

    /// <summary>Each retained size must be the node's own size plus its children's retained sizes.</summary>
    private static void CheckRetainedSizes(HeapSnapshot snapshot, int[] immediateDominator, long[] retainedSize, DominatorChildren children)
    {
        for (int node = 0; node < immediateDominator.Length; node++)
        {
            long expected = snapshot.SizeOf(node);
            for (int c = children.ChildStart[node]; c < children.ChildStart[node + 1]; c++)
                expected += retainedSize[children.Children[c]];
            if (retainedSize[node] != expected)
                throw new HeapLensException($"The stored dominator tree is corrupt: object {node} retains {retainedSize[node]} bytes, its subtree holds {expected}.");
        }
    }
}
