namespace HeapLens.Analysis;

/// <summary>A preorder of the dominator tree and the size of each subtree, by position.</summary>
internal readonly record struct TreeLayout(int[] Preorder, int[] SubtreeSize)
{
    /// <summary>
    /// Lays out a tree known only by its child lists (a stored tree) by walking it from the roots.
    /// Returns null when the walk does not reach exactly <paramref name="expectedNodes"/> nodes,
    /// i.e. when some dominators form a cycle that hangs off no root.
    /// </summary>
    public static TreeLayout? Walk(DominatorChildren children, int expectedNodes)
    {
        var preorder = new int[expectedNodes];
        var subtreeSize = new int[expectedNodes];
        var walk = new TopDownWalk(children.ChildStart, children.Children, children.RootChildren);
        // Positions of the nodes on the current path, to size each subtree when it is done.
        var openPositions = new IntStack(256);
        int next = 0;
        while (walk.MoveNext(out int node, out bool isExit))
        {
            if (isExit)
            {
                int position = openPositions.Pop();
                subtreeSize[position] = next - position;
                continue;
            }
            if (next == expectedNodes)
                return null;
            openPositions.Push(next);
            preorder[next++] = node;
        }
        return next == expectedNodes ? new TreeLayout(preorder, subtreeSize) : null;
    }
}
