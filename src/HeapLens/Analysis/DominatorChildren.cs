using System.Runtime.CompilerServices;

namespace HeapLens.Analysis;

/// <summary>
/// The dominator tree turned top-down: for each node, the nodes it immediately dominates,
/// as CSR arrays (children of node x are Children[ChildStart[x] .. ChildStart[x+1])),
/// plus the children of the synthetic root. Each list is in ascending node order.
/// </summary>
internal readonly record struct DominatorChildren(int[] ChildStart, int[] Children, int[] RootChildren)
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static DominatorChildren Build(int[] immediateDominator)
    {
        int nodeCount = immediateDominator.Length;
        var childStart = new int[nodeCount + 1];
        int rootChildCount = 0;
        int childCount = 0;
        for (int node = 0; node < nodeCount; node++)
        {
            int parent = immediateDominator[node];
            if (parent >= 0)
            {
                childStart[parent]++;
                childCount++;
            }
            else if (parent == DominatorTree.SyntheticRoot)
            {
                rootChildCount++;
            }
        }

        // Counts become end offsets; filling backwards leaves each entry at its list's start.
        int total = 0;
        for (int node = 0; node < nodeCount; node++)
        {
            total += childStart[node];
            childStart[node] = total;
        }
        childStart[nodeCount] = total;

        var children = GC.AllocateUninitializedArray<int>(childCount);
        var rootChildren = GC.AllocateUninitializedArray<int>(rootChildCount);
        for (int node = nodeCount - 1; node >= 0; node--)
        {
            int parent = immediateDominator[node];
            if (parent >= 0)
                children[--childStart[parent]] = node;
            else if (parent == DominatorTree.SyntheticRoot)
                rootChildren[--rootChildCount] = node;
        }
        return new DominatorChildren(childStart, children, rootChildren);
    }
}
