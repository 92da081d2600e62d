using System.Runtime.CompilerServices;

namespace HeapLens.Analysis;

/// <summary>A preorder of the dominator tree and the size of each subtree, by position.</summary>
internal readonly record struct TreeLayout(int[] Preorder, int[] SubtreeSize)
{

    /// <summary>
    /// Lays out a tree known only by its dominators and child lists (a stored tree). Returns null
    /// when the roots do not reach exactly <paramref name="expectedNodes"/> nodes, i.e. when some
    /// dominators form a cycle that hangs off no root.
    ///
    /// A recursive-style walk would chase one cache miss after another on a big heap; instead a
    /// breadth-first order (whose steps do not depend on each other, so misses overlap) gives
    /// parents before children, and two passes over it size the subtrees and hand out slots.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static TreeLayout? FromChildLists(int[] immediateDominator, DominatorChildren children, int expectedNodes)
    {
        var (childStart, childList, rootChildren) = children;
        var order = GC.AllocateUninitializedArray<int>(expectedNodes);
        if (rootChildren.Length > expectedNodes)
            return null;
        rootChildren.CopyTo(order, 0);
        int tail = rootChildren.Length;
        for (int head = 0; head < tail; head++)
        {
            int node = order[head];
            int end = childStart[node + 1];
            if (end - childStart[node] > expectedNodes - tail)
                return null;
            // Most lists are short: a plain loop beats Array.Copy's call overhead.
            for (int c = childStart[node]; c < end; c++)
                order[tail++] = childList[c];
        }
        if (tail != expectedNodes)
            return null;

        // Children come after their dominator in `order`: backwards, each subtree is complete
        // before it is added to its dominator's.
        var subtreeNodes = new int[immediateDominator.Length];
        for (int i = expectedNodes - 1; i >= 0; i--)
        {
            int node = order[i];
            int size = ++subtreeNodes[node];
            int parent = immediateDominator[node];
            if (parent >= 0)
                subtreeNodes[parent] += size;
        }

        // Forwards, each node takes the next free slot of its dominator's range, and its own
        // entry becomes the next free slot of its range.
        var preorder = GC.AllocateUninitializedArray<int>(expectedNodes);
        var subtreeSize = GC.AllocateUninitializedArray<int>(expectedNodes);
        int nextRootSlot = 0;
        foreach (int node in order)
        {
            int parent = immediateDominator[node];
            int size = subtreeNodes[node];
            int slot;
            if (parent >= 0)
            {
                slot = subtreeNodes[parent];
                subtreeNodes[parent] = slot + size;
            }
            else
            {
                slot = nextRootSlot;
                nextRootSlot += size;
            }
            subtreeNodes[node] = slot + 1;
            preorder[slot] = node;
            subtreeSize[slot] = size;
        }
        return new TreeLayout(preorder, subtreeSize);
    }
}
