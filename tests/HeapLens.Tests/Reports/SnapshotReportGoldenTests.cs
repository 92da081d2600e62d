using HeapLens.Analysis;
using HeapLens.Cli.Views;
using HeapLens.Reports;
using HeapLens.Tests.Infrastructure;
using Spectre.Console;
using Xunit;

namespace HeapLens.Tests.Reports;

/// <summary>
/// Every snapshot report, text and JSON, on the synthetic service heap (ServiceHeap) against golden
/// files in Reports/Golden. After an intended change: HEAPLENS_UPDATE_GOLDEN=1, rebuild, rerun, review the diff.
/// </summary>
public sealed class SnapshotReportGoldenTests
{
    private static readonly Lazy<AnalyzedSnapshot> LazyBefore = new(() => AnalyzedSnapshot.Analyze(ServiceHeap.Before()));
    private static readonly Lazy<AnalyzedSnapshot> LazyAfter = new(() => AnalyzedSnapshot.Analyze(ServiceHeap.After()));

    private static AnalyzedSnapshot Before => LazyBefore.Value;
    private static AnalyzedSnapshot After => LazyAfter.Value;

    [Fact]
    public void Top_by_retained() => Check("top-retained", TopReport.Create(After, TypeOrder.Retained, 20), TopView.Write);

    [Fact]
    public void Top_by_count() => Check("top-count", TopReport.Create(After, TypeOrder.Count, 5), TopView.Write);

    [Fact]
    public void Dominators() => Check("dominators", DominatorsReport.Create(After, depth: 4, minPercent: 1), DominatorsView.Write);

    [Fact]
    public void Paths_to_the_biggest_sessions() => Check("paths-type", PathsReport.ForType(After, "Session", 2), PathsView.Write);

    [Fact]
    public void Path_to_the_end_of_the_linked_list_is_one_run()
    {
        var snapshot = After.Snapshot;
        int tail = Enumerable.Range(0, snapshot.NodeCount).First(n => snapshot.TypeNameOf(n) == "App.Node");
        var report = PathsReport.ForAddress(After, snapshot.Addresses[tail]);
        Assert.Equal(41, report.Paths[0].Length); // the list object and its 40 nodes
        Check("paths-list-tail", report, PathsView.Write);
    }

    [Fact]
    public void Path_to_an_object_only_a_weak_handle_holds() =>
        Check("paths-unreachable", PathsReport.ForType(After, "App.Cached", 5), PathsView.Write);

    [Fact]
    public void Suspects() => Check("suspects", SuspectsReport.Create(After), SuspectsView.Write);

    [Fact]
    public void Diff_by_type() => Check("diff-type", DiffReport.ByType(Before, After, TypeOrder.Retained, 20), DiffView.Write);

    [Fact]
    public void Diff_by_retainer() => Check("diff-retainer", DiffReport.ByRetainer(Before, After, 20), DiffView.Write);

    [Fact]
    public void Info() => Check("info", InfoReport.Create(After.Snapshot, fileBytes: 54_321), InfoView.Write);

    [Fact]
    public void Demo_verdict() =>
        Check("demo", DemoReport.Create(Before, After, "before.heapsnap", "after.heapsnap", 20_000), DemoView.Write);

    private static void Check<T>(string name, T report, Action<T, IAnsiConsole> view) =>
        Golden.AssertTextAndJson($"Reports/Golden/{name}", report, view);
}
