using HeapLens.Analysis;
using HeapLens.Snapshots;

namespace HeapLens.Reports;

/// <summary>What memory accumulates as: <see cref="Count"/> objects of <see cref="Type"/> worth <see cref="Bytes"/>.</summary>
public sealed record AccumulationRow(string Type, int Count, long Bytes, AccumulationShape Shape)
{
    public static AccumulationRow? Of(Accumulation? a) => a is null ? null : new(a.TypeName, a.Count, a.Bytes, a.Shape);
}

/// <summary>
/// One leak suspect. <see cref="Instances"/> above 1: that many same-typed objects, each held by its
/// own root, retain <see cref="RetainedBytes"/> together (then <see cref="Path"/> is the biggest one).
/// </summary>
/// <param name="Root">How a GC root holds the suspect ("static X.s_field", "stack"), null when none does.</param>
/// <param name="RootName">The root's name when it has one (a static field's full name).</param>
/// <param name="Type">The suspect's type.</param>
/// <param name="Path">The dominator chain from the suspect down to where the memory accumulates.</param>
/// <param name="AllocatedAt">Where the accumulated objects were allocated (a snapshot taken with --allocs); null otherwise.</param>
public sealed record SuspectRow(
    string? Root,
    string? RootName,
    string Type,
    long RetainedBytes,
    int Instances,
    IReadOnlyList<PathSegment> Path,
    AccumulationRow? Accumulates,
    AllocationOrigins? AllocatedAt = null);

/// <summary>
/// `suspects`: what retains at least <see cref="SuspectShare"/> of the reachable heap
/// (<see cref="TotalBytes"/>), biggest first, and where its memory accumulates.
/// </summary>
public sealed record SuspectsReport(SnapshotHeader Snapshot, long TotalBytes, double SuspectShare, IReadOnlyList<SuspectRow> Suspects)
{
    public static SuspectsReport Create(AnalyzedSnapshot analyzed, int? rows = null)
    {
        var (snapshot, tree) = analyzed;
        var suspects = LeakSuspects.Find(analyzed);
        return new SuspectsReport(SnapshotHeader.Of(snapshot), tree.ReachableBytes, LeakSuspects.SuspectShare,
            suspects.Take(rows ?? int.MaxValue).Select(s => Row(analyzed, s)).ToList());
    }

    private static SuspectRow Row(AnalyzedSnapshot analyzed, LeakSuspect s)
    {
        var (snapshot, tree) = analyzed;
        return new SuspectRow(s.Root?.ToString(), s.Root?.Name, snapshot.TypeNameOf(s.Suspect), s.RetainedBytes, s.GroupCount,
            PathSegments.Of(snapshot, tree, s.Path), AccumulationRow.Of(s.Accumulates),
            AllocationAttribution.OfAccumulation(analyzed, s.Path, s.Accumulates, rootGroup: s.GroupCount > 1));
    }
}
