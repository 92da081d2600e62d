using HeapLens.Snapshots;

namespace HeapLens.Analysis;

/// <summary>
/// The shortest path from the GC roots to one object, searched when asked instead of kept for every
/// object (<see cref="ShortestPaths"/> keeps two ints per object): what a long-running server needs.
///
/// Every path to an object passes through each of its dominators in order, and a shortest path's part
/// after a dominator d stays among the objects d dominates (an object reachable without d would make
/// the target reachable without d). So the path is the shortest path from the roots to the top
/// dominator, then from each dominator to the next, and a breadth-first search from one dominator
/// meets the objects below it in the same order as the global search does: the parents found are the
/// global search's parents, and the paths are the same as <see cref="ShortestPaths"/> gives.
///
/// Each step asks one bounded search "who discovers this object first" and stops at the object; memory
/// is a bit per object and the objects the search met, held only during the call (thread-safe).
/// </summary>
public sealed class RootPathSearch(HeapSnapshot snapshot, DominatorTree tree) : IRootPaths
{
    private const int FromRoot = -1;

    private readonly Lazy<int[]> _rootOrder = new(() => ShortestPaths.SearchOrder(snapshot.Roots));

    public bool IsReachable(int node) => tree.IsReachable(node);

    public int RootOf(int node)
    {
        if (!IsReachable(node))
            return -1;
        var search = new Search(snapshot, _rootOrder.Value);
        int top = node;
        while (tree.ImmediateDominator[top] >= 0)
            top = tree.ImmediateDominator[top];
        // The roots' part of the path: from the top dominator up, one search per hop.
        while (true)
        {
            int parent = search.DiscovererFromRoots(top, out int root);
            if (parent == FromRoot)
                return root;
            top = parent;
        }
    }

    /// <summary>
    /// One breadth-first search from the roots, as the global search runs it, stopped once every node was met.
    /// A node's root is its discoverer's, so each level is kept with the roots its objects came from: memory
    /// is a bit per object and the two widest levels, not two ints per object.
    /// </summary>
    public int[] RootsOf(IReadOnlyList<int> nodes)
    {
        var result = new int[nodes.Count];
        Array.Fill(result, -1);
        var wanted = new Dictionary<int, List<int>>(); // node -> its places in nodes
        foreach (var (node, place) in nodes.Select((n, i) => (n, i)))
        {
            if (!IsReachable(node))
                continue;
            if (!wanted.TryGetValue(node, out var places))
                wanted[node] = places = [];
            places.Add(place);
        }
        int left = wanted.Count;
        var visited = new ulong[(snapshot.NodeCount + 63) / 64];
        bool Visit(int node, int root, List<(int Node, int Root)> level)
        {
            visited[node >> 6] |= 1UL << node;
            level.Add((node, root));
            if (wanted.Remove(node, out var places))
            {
                foreach (int place in places)
                    result[place] = root;
                return --left == 0;
            }
            return false;
        }
        bool IsVisited(int node) => (visited[node >> 6] & (1UL << node)) != 0;

        var current = new List<(int Node, int Root)>();
        var roots = snapshot.Roots;
        foreach (int r in _rootOrder.Value)
        {
            int node = roots.Nodes[r];
            if (left == 0)
                return result;
            if (roots.Kinds[r].KeepsAlive() && !IsVisited(node))
                Visit(node, r, current);
        }
        int[] edgeStart = snapshot.EdgeStart;
        int[] targets = snapshot.EdgeTargets;
        var next = new List<(int Node, int Root)>();
        while (left > 0 && current.Count > 0)
        {
            foreach (var (node, root) in current)
            {
                for (int e = edgeStart[node]; e < edgeStart[node + 1]; e++)
                {
                    int target = targets[e];
                    if (!IsVisited(target) && Visit(target, root, next))
                        return result;
                }
            }
            (current, next) = (next, current);
            next.Clear();
        }
        return result;
    }

    public List<NodeRun> RunsTo(int node, out int root)
    {
        root = -1;
        if (!IsReachable(node))
            return [];
        var search = new Search(snapshot, _rootOrder.Value);
        var runs = new NodeRunBuilder(snapshot);
        runs.Add(node);
        // From the object up to each dominator in turn, then from the top dominator up to its root.
        for (int dominator = tree.ImmediateDominator[node]; dominator >= 0; dominator = tree.ImmediateDominator[dominator])
        {
            while (node != dominator)
            {
                node = search.DiscovererFrom(dominator, node);
                runs.Add(node);
            }
        }
        while (true)
        {
            int parent = search.DiscovererFromRoots(node, out root);
            if (parent == FromRoot)
                return runs.Reversed();
            runs.Add(parent);
            node = parent;
        }
    }

    /// <summary>One call's search state: the visited bits and the queue, reset after every search.</summary>
    private sealed class Search(HeapSnapshot snapshot, int[] rootOrder)
    {
        private readonly ulong[] _visited = new ulong[(snapshot.NodeCount + 63) / 64];
        private int[] _queue = new int[64];
        private int _tail;

        /// <summary>The object whose references first reach <paramref name="target"/> searching from <paramref name="start"/> alone.</summary>
        public int DiscovererFrom(int start, int target)
        {
            try
            {
                Visit(start);
                int found = Expand(target);
                return found >= 0 ? found : throw Mismatch($"object {target} is not reachable from its dominator {start}");
            }
            finally
            {
                Reset();
            }
        }

        /// <summary>As the global search: the roots in order, then breadth-first. <see cref="FromRoot"/> when a root holds the target.</summary>
        public int DiscovererFromRoots(int target, out int root)
        {
            root = -1;
            try
            {
                var roots = snapshot.Roots;
                foreach (int r in rootOrder)
                {
                    int node = roots.Nodes[r];
                    if (!roots.Kinds[r].KeepsAlive() || IsVisited(node))
                        continue;
                    if (node == target)
                    {
                        root = r;
                        return FromRoot;
                    }
                    Visit(node);
                }
                int found = Expand(target);
                return found >= 0 ? found : throw Mismatch($"object {target} is not reachable from the roots");
            }
            finally
            {
                Reset();
            }
        }

        // Breadth-first from what is queued until the target is met: returns the object that met it, or -1.
        private int Expand(int target)
        {
            int[] edgeStart = snapshot.EdgeStart;
            int[] targets = snapshot.EdgeTargets;
            for (int head = 0; head < _tail; head++)
            {
                int node = _queue[head];
                for (int e = edgeStart[node]; e < edgeStart[node + 1]; e++)
                {
                    int next = targets[e];
                    if (IsVisited(next))
                        continue;
                    if (next == target)
                        return node;
                    Visit(next);
                }
            }
            return -1;
        }

        private bool IsVisited(int node) => (_visited[node >> 6] & (1UL << node)) != 0;

        private void Visit(int node)
        {
            _visited[node >> 6] |= 1UL << node;
            if (_tail == _queue.Length)
                Array.Resize(ref _queue, _queue.Length * 2);
            _queue[_tail++] = node;
        }

        // The tree says the object is reachable and the references say not. Only a stored tree
        // (DominatorTree.FromStored, whose checks cannot see its graph's references) can disagree with
        // its graph: corrupt input, told as such, not an internal error.
        private static HeapLensException Mismatch(string what) =>
            new($"The snapshot is corrupt: its dominator tree does not match its references ({what}).");

        // Only the bits the search set are cleared: a search that met ten objects costs ten, not a bit per object.
        private void Reset()
        {
            for (int i = 0; i < _tail; i++)
                _visited[_queue[i] >> 6] = 0;
            _tail = 0;
            if (_queue.Length > 1 << 16)
                _queue = new int[64];
        }
    }
}
