using HeapLens.Analysis;

namespace HeapLens.Reports;

/// <summary>One type's line in `top`.</summary>
public sealed record TypeRow(string Type, long Count, long ShallowBytes, long RetainedBytes);

/// <summary>
/// `top` of a snapshot: the types by shallow bytes, retained bytes or instance count, with the totals
/// they are a share of. Retained is what the type's top-level instances keep alive (see RetainedByType).
/// </summary>
public sealed record TopReport(SnapshotHeader Snapshot, long TotalObjects, long TotalBytes, TypeOrder SortedBy, IReadOnlyList<TypeRow> Types)
{
    public static TopReport Create(AnalyzedSnapshot analyzed, TypeOrder order, int rows)
    {
        var snapshot = analyzed.Snapshot;
        var types = analyzed.Types
            .Sort(order, t => (t.ShallowBytes, t.RetainedBytes, t.Count), t => t.TypeName)
            .Take(rows)
            .Select(t => new TypeRow(t.TypeName, t.Count, t.ShallowBytes, t.RetainedBytes))
            .ToList();
        return new TopReport(SnapshotHeader.Of(snapshot), snapshot.NodeCount, snapshot.TotalBytes, order, types);
    }
}
