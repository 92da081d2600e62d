namespace HeapLens.Analysis;

/// <summary>
/// Walks a dominator tree in preorder without recursion, reporting when each node is entered
/// and when its whole subtree is done (exit), so callers can keep per-path state.
/// The synthetic root is not reported; its children are walked one after the other.
/// </summary>
internal struct TopDownWalk
{
    private readonly int[] _childStart;
    private readonly int[] _children;
    private readonly int[] _rootChildren;
    private int _nextRootChild;
    // A node to enter, or ~node for "exit node" once its children have been walked.
    private IntStack _pending;

    public TopDownWalk(int[] childStart, int[] children, int[] rootChildren)
    {
        _childStart = childStart;
        _children = children;
        _rootChildren = rootChildren;
        _pending = new IntStack(256);
    }

    public bool MoveNext(out int node, out bool isExit)
    {
        if (_pending.Count == 0)
        {
            if (_nextRootChild == _rootChildren.Length)
            {
                node = -1;
                isExit = false;
                return false;
            }
            _pending.Push(_rootChildren[_nextRootChild++]);
        }

        int item = _pending.Pop();
        if (item < 0)
        {
            node = ~item;
            isExit = true;
            return true;
        }

        _pending.Push(~item);
        // Pushed in reverse so that children are entered in list order.
        for (int c = _childStart[item + 1] - 1; c >= _childStart[item]; c--)
            _pending.Push(_children[c]);
        node = item;
        isExit = false;
        return true;
    }
}
