using HeapLens.Snapshots;

namespace HeapLens.Analysis;

/// <summary>How memory accumulates: many same-typed children of one object, or a chain of same-typed objects.</summary>
public enum AccumulationShape { Children, LinkedList }

/// <summary>
/// What an accumulation point holds: the biggest group of same-typed objects it dominates
/// (<see cref="AccumulationShape.Children"/>), or, where the dominator chain itself is a long run of
/// one type, that linked list: its length and what its first node keeps alive.
/// </summary>
public sealed record Accumulation(string TypeName, int Count, long Bytes, AccumulationShape Shape = AccumulationShape.Children);

/// <summary>
/// A leak suspect: an object (or a group of same-typed root objects) retaining a large share of the
/// heap, the dominator chain from it down to where the memory accumulates (as runs of same-typed
/// objects), and what accumulates.
/// </summary>
public sealed record LeakSuspect(
    RootLabel? Root,
    IReadOnlyList<NodeRun> Path,
    long RetainedBytes,
    Accumulation? Accumulates,
    int GroupCount = 1)
{
    public int Suspect => Path[0].First;
    public int AccumulationPoint => Path[^1].Last;
}

/// <summary>
/// Leak suspects the way Eclipse MAT finds them: objects retaining at least 10% of the heap; from
/// each, follow the biggest dominated child while it keeps at least 70% of its parent's retained
/// size: where that stops, the memory accumulates (a collection's array, typically).
/// </summary>
public static class LeakSuspects
{
    public const double SuspectShare = 0.10;
    public const double AccumulationShare = 0.70;

    /// <summary>A dominator chain ending in at least this many objects of one type is a linked list.</summary>
    public const int LinkedListMinimum = 16;

    public static IReadOnlyList<LeakSuspect> Find(AnalyzedSnapshot analyzed) =>
        Find(analyzed.Snapshot, analyzed.Tree, analyzed.Roots, analyzed.PathSearch);

    public static IReadOnlyList<LeakSuspect> Find(HeapSnapshot snapshot, DominatorTree tree, RootLabels roots, IRootPaths paths)
    {
        long heap = tree.ReachableBytes;
        long threshold = (long)(heap * SuspectShare);
        var suspects = new List<LeakSuspect>();
        if (heap == 0)
            return suspects;

        // Anything retaining the threshold has every dominator above it retaining it too, so the
        // candidates start among the objects the synthetic root dominates directly.
        var candidates = new Stack<int>(tree.RootChildren.Where(n => tree.RetainedSize[n] >= threshold)
            .OrderBy(n => tree.RetainedSize[n]));
        var inSuspect = new HashSet<int>();
        while (candidates.Count > 0)
        {
            int suspect = candidates.Pop();
            var path = DescendToAccumulation(snapshot, tree, suspect);
            int point = path[^1].Last;
            inSuspect.Add(suspect);
            suspects.Add(new LeakSuspect(RootOf(snapshot, roots, paths, suspect), path, tree.RetainedSize[suspect],
                WhatAccumulates(snapshot, tree, path)));
            // An accumulation point with several big children: each of those is a suspect of its own.
            foreach (int child in tree.ChildrenOf(point))
                if (tree.RetainedSize[child] >= threshold)
                    candidates.Push(child);
        }

        suspects.AddRange(GroupSuspects(snapshot, tree, threshold, inSuspect));
        suspects.Sort((a, b) => b.RetainedBytes.CompareTo(a.RetainedBytes));
        return suspects;
    }

    /// <summary>
    /// Follows the biggest dominated child while it keeps 70% of its parent. A descent that ends in a
    /// long run of one type (a linked list, whose last nodes keep little of their parent) follows that
    /// type to the list's real end. Linear in the chain's length (each step looks at one node's
    /// children once); the chain is kept as runs of one type, so a ten-million-node list is one run.
    /// </summary>
    internal static List<NodeRun> DescendToAccumulation(HeapSnapshot snapshot, DominatorTree tree, int node)
    {
        var runs = new NodeRunBuilder(snapshot);
        runs.Add(node);
        long[] retained = tree.RetainedSize;
        while (true)
        {
            int biggest = -1;
            foreach (int child in tree.ChildrenOf(node))
                if (biggest < 0 || retained[child] > retained[biggest])
                    biggest = child;
            if (biggest < 0 || retained[biggest] < AccumulationShare * retained[node])
                break;
            runs.Add(biggest);
            node = biggest;
        }
        var path = runs.InOrder();
        if (path[^1].Count < LinkedListMinimum)
            return path;
        int type = path[^1].TypeIndex;
        while (true)
        {
            int next = -1;
            foreach (int child in tree.ChildrenOf(node))
                if (snapshot.TypeIndex[child] == type && (next < 0 || retained[child] > retained[next]))
                    next = child;
            if (next < 0)
                return path;
            runs.Add(next);
            node = next;
        }
    }

    /// <summary>
    /// A path ending in a long run of one type accumulates that linked list (its length, and what its
    /// first node keeps alive); otherwise the biggest group of same-typed children of the accumulation point.
    /// </summary>
    internal static Accumulation? WhatAccumulates(HeapSnapshot snapshot, DominatorTree tree, IReadOnlyList<NodeRun> path)
    {
        var last = path[^1];
        return last.Count < LinkedListMinimum
            ? BiggestGroup(snapshot, tree, last.Last)
            : new Accumulation(snapshot.TypeNames[last.TypeIndex], last.Count, tree.RetainedSize[last.First], AccumulationShape.LinkedList);
    }

    internal static Accumulation? BiggestGroup(HeapSnapshot snapshot, DominatorTree tree, int point)
    {
        var children = tree.ChildrenOf(point);
        if (children.IsEmpty)
            return null;
        // Children of an array are mostly of one type: sum runs of one type locally, one dictionary
        // update per run (ten million children of one type cost ten million additions, no lookups).
        var byType = new Dictionary<int, (int Count, long Bytes)>();
        int runType = snapshot.TypeIndex[children[0]];
        int runCount = 0;
        long runBytes = 0;
        foreach (int child in children)
        {
            int type = snapshot.TypeIndex[child];
            if (type != runType)
            {
                Flush(byType, runType, runCount, runBytes);
                (runType, runCount, runBytes) = (type, 0, 0);
            }
            runCount++;
            runBytes += tree.RetainedSize[child];
        }
        Flush(byType, runType, runCount, runBytes);
        var (bestType, best) = byType.MaxBy(p => p.Value.Bytes);
        return new Accumulation(snapshot.TypeNames[bestType], best.Count, best.Bytes);
    }

    private static void Flush(Dictionary<int, (int Count, long Bytes)> byType, int type, int count, long bytes)
    {
        var (sumCount, sumBytes) = byType.GetValueOrDefault(type);
        byType[type] = (sumCount + count, sumBytes + bytes);
    }

    /// <summary>Same-typed objects held straight from the roots that retain the threshold together, none alone.</summary>
    private static IEnumerable<LeakSuspect> GroupSuspects(HeapSnapshot snapshot, DominatorTree tree, long threshold, HashSet<int> alreadySuspects)
    {
        var byType = new Dictionary<int, List<int>>();
        foreach (int node in tree.RootChildren)
        {
            if (alreadySuspects.Contains(node))
                continue;
            int type = snapshot.TypeIndex[node];
            if (!byType.TryGetValue(type, out var members))
                byType[type] = members = [];
            members.Add(node);
        }
        foreach (var (type, members) in byType)
        {
            long retained = members.Sum(n => tree.RetainedSize[n]);
            if (members.Count > 1 && retained >= threshold)
            {
                var biggest = members.MaxBy(n => tree.RetainedSize[n]);
                yield return new LeakSuspect(null, [new NodeRun(type, biggest, biggest, 1)], retained,
                    new Accumulation(snapshot.TypeNames[type], members.Count, retained), members.Count);
            }
        }
    }

    private static RootLabel? RootOf(HeapSnapshot snapshot, RootLabels roots, IRootPaths paths, int node)
    {
        if (roots.Of(node) is { } direct)
            return direct;
        int root = paths.RootOf(node);
        return root < 0 ? null : new RootLabel(snapshot.Roots.Kinds[root], snapshot.Roots.NameOf(root));
    }
}
