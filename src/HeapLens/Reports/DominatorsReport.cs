using HeapLens.Analysis;

namespace HeapLens.Reports;

/// <summary>A row of the grouped dominator tree: one object, or the same-typed children of one row.</summary>
/// <param name="Root">For a top row held directly by a GC root: how ("static X.s_field", "stack").</param>
/// <param name="Address">The object, when the row is a single object.</param>
public sealed record DominatorRow(
    string Type,
    int Count,
    long RetainedBytes,
    long ShallowBytes,
    string? Root,
    string? Address,
    IReadOnlyList<DominatorRow> Children);

/// <summary>
/// `dominators`: what keeps how much memory alive, from the GC roots down to a depth, rows under a
/// share of the reachable heap left out, biggest first.
/// </summary>
public sealed record DominatorsReport(
    SnapshotHeader Snapshot,
    long TotalObjects,
    long TotalBytes,
    long ReachableBytes,
    long ReachableObjects,
    double MinPercent,
    IReadOnlyList<DominatorRow> Roots)
{
    /// <summary>The deepest tree a report holds: its JSON nests two levels per row (ReportJson's MaxDepth allows this).</summary>
    public const int MaxDepth = 100;

    public static DominatorsReport Create(AnalyzedSnapshot analyzed, int depth, double minPercent)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(depth, MaxDepth);
        var (snapshot, tree) = analyzed;
        long minBytes = Math.Max(1, (long)(tree.ReachableBytes * minPercent / 100));
        var groups = DominatorGroups.Build(snapshot, tree, analyzed.Roots, depth, minBytes);
        return new DominatorsReport(SnapshotHeader.Of(snapshot), snapshot.NodeCount, snapshot.TotalBytes,
            tree.ReachableBytes, tree.ReachableCount, minPercent, ToRows(groups));
    }

    // Bottom-up without recursion: the tree is as deep as --depth allows.
    private static List<DominatorRow> ToRows(IReadOnlyList<DominatorGroup> top)
    {
        var order = new List<DominatorGroup>();
        var work = new Stack<DominatorGroup>(top);
        while (work.Count > 0)
        {
            var group = work.Pop();
            order.Add(group);
            foreach (var child in group.Children)
                work.Push(child);
        }
        var rows = new Dictionary<DominatorGroup, DominatorRow>(ReferenceEqualityComparer.Instance);
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var g = order[i];
            rows[g] = new DominatorRow(g.TypeName, g.Count, g.RetainedBytes, g.ShallowBytes, g.Root?.ToString(),
                g.Address is ulong a ? $"0x{a:x}" : null, g.Children.Select(c => rows[c]).ToList());
        }
        return top.Select(g => rows[g]).ToList();
    }
}
