using HeapLens.Profiles;

namespace HeapLens.Reports;

/// <summary>One line's allocations before and after a change.</summary>
/// <param name="Change">After relative to before, in percent of before (-100: gone); null when the line is new.</param>
public sealed record CompareLine(
    string Function,
    long Line,
    string File,
    long BeforeSpace,
    long BeforeObjects,
    long AfterSpace,
    long AfterObjects,
    double? Change);

/// <summary>
/// `heaplens explain --compare`: per source line, what a profile before a fix and one after it allocated: the
/// proof that the fix worked. Lines are matched by function and line number (a fix built as a separate copy
/// of the code keeps its function names; an edit that moves lines shows as one line gone and one new).
/// Rows are sorted by the reduction, biggest first, then by what is new.
/// </summary>
public sealed record ExplainCompareReport(
    string Before,
    string After,
    string SampleType,
    long BeforeTotal,
    long AfterTotal,
    IReadOnlyList<CompareLine> Lines)
{
    public static ExplainCompareReport Create(string beforePath, Profile before, string afterPath, Profile after, bool bySpace, int count)
    {
        var beforeLines = HotLines.Compute(before, bySpace);
        var afterLines = HotLines.Compute(after, bySpace);
        var afterByKey = afterLines.ToDictionary(l => (l.Function, l.Line));
        var rows = new List<CompareLine>();
        foreach (var b in beforeLines)
        {
            afterByKey.Remove((b.Function, b.Line), out var a);
            long beforeValue = b.Value(bySpace);
            long afterValue = a?.Value(bySpace) ?? 0;
            rows.Add(new CompareLine(b.Function, b.Line, b.File, b.Bytes, b.Objects, a?.Bytes ?? 0, a?.Objects ?? 0,
                beforeValue == 0 ? null : 100.0 * (afterValue - beforeValue) / beforeValue));
        }
        foreach (var a in afterByKey.Values)
            rows.Add(new CompareLine(a.Function, a.Line, a.File, 0, 0, a.Bytes, a.Objects, null));
        long Before(CompareLine l) => bySpace ? l.BeforeSpace : l.BeforeObjects;
        long After(CompareLine l) => bySpace ? l.AfterSpace : l.AfterObjects;
        var shown = rows
            .OrderByDescending(l => Math.Max(Before(l), After(l)))
            .ThenBy(l => l.Function, StringComparer.Ordinal).ThenBy(l => l.Line)
            .Take(count)
            .ToList();
        return new ExplainCompareReport(beforePath, afterPath, bySpace ? AllocationProfileBuilder.SpaceType : AllocationProfileBuilder.ObjectsType,
            Total(before, bySpace), Total(after, bySpace), shown);
    }

    private static long Total(Profile profile, bool bySpace)
    {
        int index = profile.SampleTypeIndex(bySpace ? AllocationProfileBuilder.SpaceType : AllocationProfileBuilder.ObjectsType);
        return profile.Samples.Sum(s => s.Values[index]);
    }
}
