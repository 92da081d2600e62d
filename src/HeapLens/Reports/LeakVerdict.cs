using HeapLens.Analysis;

namespace HeapLens.Reports;

/// <summary>
/// The verdict of a snapshot, work, snapshot hunt: the retainer that grew most is the leak
/// (<see cref="Leak"/>, null when nothing grew); a bigger retainer that did not grow as much is a
/// stable working set, named so that nobody mistakes it for the leak (<see cref="StableBiggest"/>).
/// </summary>
/// <param name="HeapBytes">The newer snapshot's reachable bytes, what shares are of.</param>
public sealed record LeakVerdict(long HeapBytes, RetainerChangeRow? Leak, RetainerChangeRow? StableBiggest)
{
    public static LeakVerdict Create(AnalyzedSnapshot before, AnalyzedSnapshot after)
    {
        long heap = after.Tree.ReachableBytes;
        var growth = RetainerDiff.Growth(before, after);
        var grower = growth.FirstOrDefault();
        if (grower?.New is null || grower.DeltaRetainedBytes <= 0)
            return new LeakVerdict(heap, null, null);
        var biggest = growth.Where(c => c.New is not null).MaxBy(c => c.New!.RetainedBytes);
        bool biggerThanTheLeak = biggest is not null && biggest != grower && biggest.New!.RetainedBytes > grower.New.RetainedBytes;
        return new LeakVerdict(heap, RetainerChangeRow.Of(grower, before, after),
            biggerThanTheLeak ? RetainerChangeRow.Of(biggest!, before, after) : null);
    }
}

/// <summary>
/// What `heaplens demo` shows after its two snapshots: the diff by type, the biggest suspects of the
/// second snapshot, and the verdict.
/// </summary>
/// <param name="RequestsBetween">The work the target did between the snapshots.</param>
public sealed record DemoReport(
    string BaseFile,
    string NewFile,
    int RequestsBetween,
    DiffReport Types,
    SuspectsReport Suspects,
    LeakVerdict Verdict)
{
    public const int TypeRows = 6;
    public const int SuspectRows = 2;

    public static DemoReport Create(AnalyzedSnapshot before, AnalyzedSnapshot after, string baseFile, string newFile, int requestsBetween) => new(
        baseFile, newFile, requestsBetween,
        DiffReport.ByType(before, after, TypeOrder.Retained, TypeRows),
        SuspectsReport.Create(after, SuspectRows),
        LeakVerdict.Create(before, after));
}
