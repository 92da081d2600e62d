using HeapLens.Analysis;

namespace HeapLens.Reports;

/// <summary>One side of a diff: which process, when, and how big its heap was.</summary>
public sealed record DiffSide(int ProcessId, string ProcessName, DateTimeOffset CaptureTime, long TotalObjects, long TotalBytes)
{
    public static DiffSide Of(AnalyzedSnapshot analyzed)
    {
        var s = analyzed.Snapshot;
        return new DiffSide(s.Metadata.ProcessId, s.Metadata.ProcessName, s.Metadata.CaptureTime, s.NodeCount, s.TotalBytes);
    }
}

/// <summary>What happened to a type between the snapshots.</summary>
public enum TypeChangeStatus { New, Vanished, Unchanged, Changed }

public sealed record TypeChangeRow(
    string Type,
    TypeChangeStatus Status,
    long BaseCount, long NewCount, long DeltaCount,
    long BaseShallowBytes, long NewShallowBytes, long DeltaShallowBytes,
    long BaseRetainedBytes, long NewRetainedBytes, long DeltaRetainedBytes)
{
    public static TypeChangeRow Of(TypeChange c) => new(
        c.TypeName,
        c.IsNew ? TypeChangeStatus.New : c.Vanished ? TypeChangeStatus.Vanished
            : c.DeltaCount == 0 && c.DeltaRetainedBytes == 0 ? TypeChangeStatus.Unchanged : TypeChangeStatus.Changed,
        c.BaseCount, c.NewCount, c.DeltaCount,
        c.BaseShallowBytes, c.NewShallowBytes, c.DeltaShallowBytes,
        c.BaseRetainedBytes, c.NewRetainedBytes, c.DeltaRetainedBytes);
}

/// <summary>
/// What accumulates under a retainer in the new snapshot, and how its number changed.
/// <see cref="DeltaCount"/> is null when the base snapshot accumulated another type there.
/// </summary>
public sealed record AccumulationChange(string Type, long BaseCount, long NewCount, long? DeltaCount, AccumulationShape Shape);

/// <summary>
/// One retainer (a root and a type) in the two snapshots. <see cref="Path"/> (types and counts) and
/// <see cref="Type"/> are from the newer snapshot that has it.
/// </summary>
/// <param name="Retainer">The signature retainers are matched by between snapshots.</param>
/// <param name="RootName">The root's name when it has one (a static field's full name).</param>
/// <param name="Objects">How many root objects of the type the retainer groups.</param>
/// <param name="AllocatedAt">Where what accumulates was allocated, when the new snapshot was taken with --allocs; null otherwise.</param>
public sealed record RetainerChangeRow(
    string Retainer,
    string? Root,
    string? RootName,
    string Type,
    int Objects,
    long BaseRetainedBytes,
    long NewRetainedBytes,
    long DeltaRetainedBytes,
    IReadOnlyList<PathSegment> Path,
    AccumulationChange? Accumulates,
    AllocationOrigins? AllocatedAt = null)
{
    /// <summary>A retainer change read against the snapshots its two sides come from.</summary>
    public static RetainerChangeRow Of(RetainerChange c, AnalyzedSnapshot before, AnalyzedSnapshot after)
    {
        var r = (c.New ?? c.Base)!;
        var snapshot = c.New is null ? before.Snapshot : after.Snapshot;
        var accumulates = c.New?.Accumulates is { } acc
            ? new AccumulationChange(acc.TypeName,
                c.Base?.Accumulates is { } b && b.TypeName == acc.TypeName ? b.Count : 0,
                acc.Count, c.DeltaAccumulated, acc.Shape)
            : null;
        return new RetainerChangeRow(c.Signature, r.Root?.ToString(), r.Root?.Name, r.TypeName, r.Objects,
            c.Base?.RetainedBytes ?? 0, c.New?.RetainedBytes ?? 0, c.DeltaRetainedBytes,
            PathSegments.TypesOf(snapshot, r.Path), accumulates,
            c.New is { } n ? AllocationAttribution.OfAccumulation(after, n.Path, n.Accumulates) : null);
    }
}

/// <summary>
/// `diff`: two snapshots of a process compared per type (<see cref="Types"/>) or per retainer
/// (<see cref="Retainers"/>), with warnings when the comparison is doubtful.
/// </summary>
public sealed record DiffReport(
    DiffSide Base,
    DiffSide New,
    double SecondsBetween,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<TypeChangeRow>? Types,
    IReadOnlyList<RetainerChangeRow>? Retainers)
{
    public static DiffReport ByType(AnalyzedSnapshot before, AnalyzedSnapshot after, TypeOrder order, int rows)
    {
        var types = TypeDiff.Compute(before.Types, after.Types)
            .Sort(order, c => (c.DeltaShallowBytes, c.DeltaRetainedBytes, c.DeltaCount), c => c.TypeName)
            .Take(rows)
            .Select(TypeChangeRow.Of)
            .ToList();
        return Create(before, after, types, null);
    }

    public static DiffReport ByRetainer(AnalyzedSnapshot before, AnalyzedSnapshot after, int rows) =>
        ByRetainer(before, after, RetainerDiff.Growth(before, after), rows);

    /// <param name="growth">What <see cref="RetainerDiff.Growth"/> gives for the pair: a server computes it once and keeps it.</param>
    public static DiffReport ByRetainer(AnalyzedSnapshot before, AnalyzedSnapshot after, IReadOnlyList<RetainerChange> growth, int rows) =>
        Create(before, after, null, growth.Take(rows).Select(c => RetainerChangeRow.Of(c, before, after)).ToList());

    private static DiffReport Create(AnalyzedSnapshot before, AnalyzedSnapshot after,
        IReadOnlyList<TypeChangeRow>? types, IReadOnlyList<RetainerChangeRow>? retainers)
    {
        var a = DiffSide.Of(before);
        var b = DiffSide.Of(after);
        return new DiffReport(a, b, (b.CaptureTime - a.CaptureTime).TotalSeconds, WarningsAbout(a, b), types, retainers);
    }

    private static List<string> WarningsAbout(DiffSide a, DiffSide b)
    {
        var warnings = new List<string>();
        if (a.ProcessId != b.ProcessId || a.ProcessName != b.ProcessName)
            warnings.Add($"the snapshots come from different processes ({a.ProcessName} pid {a.ProcessId}, {b.ProcessName} pid {b.ProcessId})");
        if (b.CaptureTime < a.CaptureTime)
            warnings.Add("the new snapshot was taken before the base one");
        return warnings;
    }
}
