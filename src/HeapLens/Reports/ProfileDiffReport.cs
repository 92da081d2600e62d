using HeapLens.Profiles;

namespace HeapLens.Reports;

/// <summary>One side of a profile diff: the file, its total in the compared sample type, how long it was recorded.</summary>
/// <param name="StartTime">When the profile started, null when it does not say.</param>
public sealed record ProfileDiffSide(string File, long Total, long? DurationNanos, DateTimeOffset? StartTime);

/// <summary>A function, source line or stack in both profiles.</summary>
/// <param name="Name">The function; for a line, the function the line is in; for a stack, its leaf.</param>
/// <param name="File">The source file, null when unknown.</param>
/// <param name="Line">The source line (by line), null otherwise.</param>
/// <param name="Frames">The stack, leaf first (by stack), null otherwise.</param>
public sealed record ProfileDiffRow(
    string Name,
    string? File,
    long? Line,
    ProfileChangeStatus Status,
    long BaseFlat, long NewFlat, long DeltaFlat,
    long BaseCum, long NewCum, long DeltaCum,
    IReadOnlyList<TraceFrame>? Frames);

/// <summary>
/// `diff` of two profiles: the change of every function (flat and cum), source line (file:line) or
/// full stack in one sample type, biggest absolute change first, with new and vanished entries marked,
/// both totals, and warnings when the comparison is doubtful.
/// </summary>
/// <param name="SortedBy">"flat" or "cum": which change the rows are sorted by (by stack they are the same).</param>
/// <param name="NormalizedBy">With --normalize: the factor the new profile was scaled by so its total equals the base's.</param>
/// <param name="Change">The new total minus the base total.</param>
/// <param name="RowCount">How many functions, lines or stacks the two profiles have in all.</param>
public sealed record ProfileDiffReport(
    ProfileDiffSide Base,
    ProfileDiffSide New,
    string SampleType,
    string Unit,
    ProfileGrouping By,
    string SortedBy,
    double? NormalizedBy,
    long Change,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Comments,
    IReadOnlyList<ProfileDiffRow> Rows,
    int RowCount)
{
    public static ProfileDiffReport Create(ProfilePair pair, string? sampleType, ProfileGrouping by, bool byCum, int rows)
    {
        if (rows <= 0)
            throw new HeapLensException($"-n: the number of rows must be positive, not {rows}");
        var newIndex = new ProfileIndex(pair.New);
        int valueIndex = newIndex.ValueIndex(sampleType);
        var type = pair.New.SampleTypes[valueIndex];
        var changes = ProfileChanges.Compute(pair, type.Type, by, byCum && by != ProfileGrouping.Stack);
        var before = Side(pair.BasePath, pair.Base, pair.Base.SampleTypeIndex(type.Type));
        var after = Side(pair.NewPath, pair.New, valueIndex);
        return new ProfileDiffReport(before, after, type.Type, type.Unit, by,
            byCum && by != ProfileGrouping.Stack ? "cum" : "flat",
            pair.NormalizedBy?[valueIndex], after.Total - before.Total,
            pair.Warnings, pair.New.Comments.Union(pair.Base.Comments).ToList(),
            changes.Take(rows).Select(c => Row(c, by)).ToList(), changes.Count);
    }

    private static ProfileDiffSide Side(string file, Profile profile, int valueIndex) => new(
        file,
        profile.Samples.Sum(s => s.Values[valueIndex]),
        ProfileBase.Positive(profile.DurationNanos),
        profile.TimeNanos > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(profile.TimeNanos / 1_000_000) : null);

    private static ProfileDiffRow Row(ProfileChange c, ProfileGrouping by)
    {
        var e = c.Entry;
        return new ProfileDiffRow(e.Name, e.File.Length == 0 ? null : e.File, by == ProfileGrouping.Line && e.Line > 0 ? e.Line : null,
            c.Status, c.BaseFlat, c.NewFlat, c.DeltaFlat, c.BaseCum, c.NewCum, c.DeltaCum,
            e.Frames?.Select(TraceFrame.Of).ToList());
    }
}
