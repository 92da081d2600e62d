using HeapLens.Analysis;

namespace HeapLens.Reports;

/// <summary>
/// The children of one dominator-tree node that share a type, as one row (what `dominators` prints as
/// "50,000 x LeakyService.Product"). <see cref="Object"/> is the child itself when the row holds one.
/// </summary>
/// <param name="TypeIndex">What the group's members are paged by (the `type` of a children page).</param>
public sealed record DominatorGroupRow(
    string Type,
    int TypeIndex,
    int Count,
    long ShallowBytes,
    long RetainedBytes,
    double RetainedPercent,
    DominatorChildRow? Object);

/// <summary>
/// The children of a node (null: the GC roots' objects) grouped by type, biggest retained first, for
/// explorers: a node with a million children of a few types opens as a few rows.
/// </summary>
public sealed record DominatorGroupsReport(
    int? Node,
    long ReachableBytes,
    int ChildCount,
    IReadOnlyList<DominatorGroupRow> Groups)
{
    /// <exception cref="HeapLensException">A node that does not exist or no root reaches.</exception>
    public static DominatorGroupsReport Create(AnalyzedSnapshot analyzed, int? node)
    {
        DominatorChildrenReport.CheckNode(analyzed, node);
        var tree = analyzed.Tree;
        var groups = DominatorGroups.OfChildren(analyzed, node);
        var rows = groups.Select(g => new DominatorGroupRow(g.TypeName, g.TypeIndex, g.Count, g.ShallowBytes, g.RetainedBytes,
            ProfileTopReport.Percent(g.RetainedBytes, tree.ReachableBytes),
            g.Count == 1 ? DominatorChildrenReport.Row(analyzed, g.Members[0]) : null)).ToList();
        int childCount = node is int n ? tree.ChildrenOf(n).Length : tree.RootChildren.Length;
        return new DominatorGroupsReport(node, tree.ReachableBytes, childCount, rows);
    }
}
