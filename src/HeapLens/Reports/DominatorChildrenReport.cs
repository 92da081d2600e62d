using HeapLens.Analysis;

namespace HeapLens.Reports;

/// <summary>One object among the children of a dominator-tree node.</summary>
/// <param name="Node">The object's index in the snapshot: what the next page of its own children is asked by.</param>
/// <param name="ChildCount">How many objects it immediately dominates (0: nothing to expand).</param>
/// <param name="Root">How a GC root holds it directly, when one does ("static X.s_field", "stack").</param>
public sealed record DominatorChildRow(
    int Node,
    string Address,
    string Type,
    long ShallowBytes,
    long RetainedBytes,
    double RetainedPercent,
    int ChildCount,
    string? Root);

/// <summary>
/// One page of the objects a dominator-tree node immediately dominates, biggest retained first, for
/// explorers that expand the tree lazily (the web UI): a node with a million children costs one
/// bounded selection per page, never a million rows.
/// </summary>
/// <param name="Node">The parent, null for the GC roots (the synthetic root).</param>
/// <param name="ChildCount">How many children the parent has in all.</param>
/// <param name="Offset">The position of the first row among them.</param>
public sealed record DominatorChildrenReport(
    int? Node,
    string? Address,
    string? Type,
    long RetainedBytes,
    long ReachableBytes,
    int ChildCount,
    int Offset,
    IReadOnlyList<DominatorChildRow> Children)
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    /// <param name="node">The parent's index, null for the GC roots.</param>
    /// <param name="typeIndex">Only the members of this type's group (see <see cref="DominatorGroups.OfChildren"/>): a group row expanded.</param>
    /// <exception cref="HeapLensException">A node that does not exist or no root reaches, a bad type, offset or page size.</exception>
    public static DominatorChildrenReport Create(AnalyzedSnapshot analyzed, int? node, int offset, int limit = DefaultPageSize, int? typeIndex = null)
    {
        var (snapshot, tree) = analyzed;
        if (offset < 0)
            throw new HeapLensException($"offset must not be negative, not {offset}");
        if (limit <= 0 || limit > MaxPageSize)
            throw new HeapLensException($"a page holds 1 to {MaxPageSize} children, not {limit}");
        CheckNode(analyzed, node);
        if (typeIndex is int t && (t < 0 || t >= snapshot.TypeNames.Length))
            throw new HeapLensException($"no type {t} in this snapshot");

        ReadOnlySpan<int> children = node is int parent ? tree.ChildrenOf(parent) : tree.RootChildren;
        if (typeIndex is int type)
            children = GroupMembers(analyzed, children, type);
        int[] page = Page(children, tree.RetainedSize, offset, limit);
        var rows = new List<DominatorChildRow>(page.Length);
        foreach (int child in page)
            rows.Add(Row(analyzed, child));
        return node is int p
            ? new DominatorChildrenReport(p, PathSegments.Hex(snapshot, p), snapshot.TypeNameOf(p), tree.RetainedSize[p],
                tree.ReachableBytes, children.Length, offset, rows)
            : new DominatorChildrenReport(null, null, null, tree.ReachableBytes, tree.ReachableBytes, children.Length, offset, rows);
    }

    internal static void CheckNode(AnalyzedSnapshot analyzed, int? node)
    {
        if (node is int n && (n < 0 || n >= analyzed.Snapshot.NodeCount || !analyzed.Tree.IsReachable(n)))
            throw new HeapLensException($"no reachable object {n} in this snapshot");
    }

    internal static DominatorChildRow Row(AnalyzedSnapshot analyzed, int child)
    {
        var (snapshot, tree) = analyzed;
        var childStart = tree.ChildStart;
        return new DominatorChildRow(child, PathSegments.Hex(snapshot, child), snapshot.TypeNameOf(child),
            snapshot.SizeOf(child), tree.RetainedSize[child], ProfileTopReport.Percent(tree.RetainedSize[child], tree.ReachableBytes),
            childStart[child + 1] - childStart[child], analyzed.Roots.Of(child)?.ToString());
    }

    private static int[] GroupMembers(AnalyzedSnapshot analyzed, ReadOnlySpan<int> children, int type)
    {
        var members = new List<int>();
        foreach (int child in children)
            if (DominatorGroups.IsGroupMember(analyzed.Snapshot, analyzed.Roots, child, type))
                members.Add(child);
        return members.ToArray();
    }

    /// <summary>
    /// Rows [offset, offset + limit) of the children sorted biggest retained first (ties by node index).
    /// Early pages keep only offset + limit candidates in a bounded heap (n log k); late pages sort all.
    /// </summary>
    internal static int[] Page(ReadOnlySpan<int> children, long[] retained, int offset, int limit)
    {
        if (offset >= children.Length)
            return [];
        int wanted = (int)Math.Min((long)offset + limit, children.Length);
        int[] best;
        if (wanted * 4L >= children.Length)
        {
            best = children.ToArray();
            Array.Sort(best, (a, b) => Before(retained, a, b));
        }
        else
        {
            // The heap's top is the smallest kept child, so a bigger one replaces it.
            var kept = new PriorityQueue<int, int>(wanted, Comparer<int>.Create((a, b) => Before(retained, b, a)));
            foreach (int child in children)
            {
                if (kept.Count < wanted)
                    kept.Enqueue(child, child);
                else if (Before(retained, child, kept.Peek()) < 0)
                    kept.EnqueueDequeue(child, child);
            }
            best = new int[kept.Count];
            for (int i = best.Length - 1; i >= 0; i--)
                best[i] = kept.Dequeue();
        }
        return best.AsSpan(offset, wanted - offset).ToArray();
    }

    // Negative when a comes before b: bigger retained first, then smaller node index.
    private static int Before(long[] retained, int a, int b)
    {
        int byRetained = retained[b].CompareTo(retained[a]);
        return byRetained != 0 ? byRetained : a.CompareTo(b);
    }
}
