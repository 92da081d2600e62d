using HeapLens.Analysis;
using HeapLens.Cli.Views;
using HeapLens.Reports;
using HeapLens.Tests.Infrastructure;
using Spectre.Console;
using Xunit;

namespace HeapLens.Tests.Reports;

/// <summary>
/// Every snapshot report on the shapes that once hung them or printed one line per object (a
/// 1M-node linked list made `suspects` run for minutes): runs of one type are one segment with an
/// exact count, overlong paths keep their two ends, and no report's text or JSON grows with the heap.
/// The full-size (10M) versions are in the benchmark: `dotnet run -c Release --project bench/HeapLens.Bench -- --shapes`.
/// </summary>
public sealed class PathologicalShapeTests
{
    private const int N = 200_000;

    // Far below what one line per object would print (N objects are several MB of text).
    private const int MaxOutputChars = 20_000;

    public static TheoryData<string> Shapes => ["chain", "fanout", "nesting", "cycle", "roots"];

    private static ShapeHeap Shape(string name) => name switch
    {
        "chain" => ShapeHeap.Chain(N),
        "fanout" => ShapeHeap.FanOut(N),
        "nesting" => ShapeHeap.Nesting(N),
        "cycle" => ShapeHeap.Cycle(N),
        "roots" => ShapeHeap.ManyRoots(N),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_report_is_short(string name)
    {
        var shape = Shape(name);
        var analyzed = AnalyzedSnapshot.Analyze(shape.Snapshot);
        AssertShort(TopReport.Create(analyzed, TypeOrder.Retained, 20), TopView.Write);
        AssertShort(DominatorsReport.Create(analyzed, depth: 6, minPercent: 1), DominatorsView.Write);
        AssertShort(PathsReport.ForType(analyzed, shape.MainType, 5), PathsView.Write);
        AssertShort(PathsReport.ForAddress(analyzed, shape.Snapshot.Addresses[shape.Deepest]), PathsView.Write);
        AssertShort(SuspectsReport.Create(analyzed), SuspectsView.Write);
        AssertShort(DiffReport.ByType(analyzed, analyzed, TypeOrder.Retained, 20), DiffView.Write);
        AssertShort(DiffReport.ByRetainer(analyzed, analyzed, 20), DiffView.Write);
        AssertShort(InfoReport.Create(shape.Snapshot, 0), InfoView.Write);
    }

    [Fact]
    public void A_linked_list_is_one_segment_and_accumulates_as_a_list()
    {
        var analyzed = AnalyzedSnapshot.Analyze(ShapeHeap.Chain(N).Snapshot);

        var suspect = Assert.Single(SuspectsReport.Create(analyzed).Suspects);
        Assert.Equal("static Fixture.Holder.s_list", suspect.Root);
        Assert.Equal([("Fixture.LinkedList", 1), ("Fixture.Node", N)], suspect.Path.Select(s => (s.Type, s.Count)));
        Assert.Equal(new AccumulationRow("Fixture.Node", N, (long)N * ShapeHeap.NodeBytes, AccumulationShape.LinkedList), suspect.Accumulates);
        string text = Golden.Render(console => SuspectsView.Write(SuspectsReport.Create(analyzed), console));
        Assert.Contains("  path: static Fixture.Holder.s_list -> Fixture.LinkedList -> Fixture.Node x 200,000\n", text);
        Assert.Contains("  accumulates a linked list of 200,000 Fixture.Node (6.10 MB, 100.0% of the heap)\n", text);

        var path = Assert.Single(PathsReport.ForAddress(analyzed, analyzed.Snapshot.Addresses[0]).Paths);
        Assert.Equal(N + 1, path.Length);
        Assert.Equal([("Fixture.LinkedList", 1), ("Fixture.Node", N)], path.Hops.Select(s => (s.Type, s.Count)));
        Assert.Equal((long)N * ShapeHeap.NodeBytes, path.Hops[1].RetainedBytes);
        Assert.Equal(ShapeHeap.NodeBytes, path.Hops[1].LastRetainedBytes);
        Assert.Equal(path.Address, path.Hops[1].LastAddress);

        var retainer = Assert.Single(DiffReport.ByRetainer(analyzed, analyzed, 20).Retainers!);
        Assert.Equal([("Fixture.LinkedList", 1), ("Fixture.Node", N)], retainer.Path.Select(s => (s.Type, s.Count)));
        Assert.Equal(new AccumulationChange("Fixture.Node", N, N, 0, AccumulationShape.LinkedList), retainer.Accumulates);
    }

    [Fact]
    public void The_deepest_dominator_tree_allowed_has_json()
    {
        // A linked list makes the tree as deep as asked: JSON used to stop at 64 levels ("possible object cycle").
        var analyzed = AnalyzedSnapshot.Analyze(ShapeHeap.Chain(1000).Snapshot);
        var report = DominatorsReport.Create(analyzed, DominatorsReport.MaxDepth, minPercent: 0);

        string json = ReportJson.Serialize(report);

        // The report object, its roots array, then per row an object and its children array.
        Assert.Equal(2 + 2 * DominatorsReport.MaxDepth, Depth(json));
    }

    /// <summary>How deep brackets nest (type names here hold none).</summary>
    private static int Depth(string json)
    {
        int depth = 0, deepest = 0;
        foreach (char c in json)
        {
            if (c is '{' or '[')
                deepest = Math.Max(deepest, ++depth);
            else if (c is '}' or ']')
                depth--;
        }
        return deepest;
    }

    [Fact]
    public void A_ring_is_a_linked_list_entered_where_the_root_holds_it()
    {
        var analyzed = AnalyzedSnapshot.Analyze(ShapeHeap.Cycle(N).Snapshot);

        var suspect = Assert.Single(SuspectsReport.Create(analyzed).Suspects);
        Assert.Equal([("Fixture.Ring", N)], suspect.Path.Select(s => (s.Type, s.Count)));
        Assert.Equal(AccumulationShape.LinkedList, suspect.Accumulates!.Shape);
        Assert.Equal(N, suspect.Accumulates.Count);
        Assert.Equal(N, PathsReport.ForAddress(analyzed, analyzed.Snapshot.Addresses[N - 1]).Paths[0].Hops[0].Count);
    }

    [Fact]
    public void Deep_nesting_of_two_types_keeps_both_ends_of_the_path()
    {
        var analyzed = AnalyzedSnapshot.Analyze(ShapeHeap.Nesting(N).Snapshot);

        var path = Assert.Single(PathsReport.ForAddress(analyzed, analyzed.Snapshot.Addresses[0]).Paths);
        Assert.Equal(N, path.Length);
        Assert.Equal(PathSegments.MaxSegments, path.Hops.Count);
        var elided = path.Hops[PathSegments.KeptAtEachEnd];
        Assert.True(elided.Elided);
        Assert.Equal(N - 2 * PathSegments.KeptAtEachEnd, elided.Count);
        Assert.Equal(N, path.Hops.Sum(h => h.Count));
        Assert.Equal("Fixture.Tree", path.Hops[0].Type);
        Assert.Equal(path.Address, path.Hops[^1].Address);

        var suspect = Assert.Single(SuspectsReport.Create(analyzed).Suspects);
        Assert.Equal(PathSegments.MaxSegments, suspect.Path.Count);
        // The descent stops where a child keeps less than 70% of its parent: at the third object from the end.
        Assert.Equal(N - 2, suspect.Path.Sum(h => h.Count));
    }

    [Fact]
    public void One_object_with_many_children_accumulates_them_as_one_group()
    {
        var analyzed = AnalyzedSnapshot.Analyze(ShapeHeap.FanOut(N).Snapshot);

        var suspect = Assert.Single(SuspectsReport.Create(analyzed).Suspects);
        Assert.Equal([("Fixture.Item[]", 1)], suspect.Path.Select(s => (s.Type, s.Count)));
        Assert.Equal(new AccumulationRow("Fixture.Item", N, 24L * N, AccumulationShape.Children), suspect.Accumulates);
        var array = Assert.Single(DominatorsReport.Create(analyzed, 6, 1).Roots);
        Assert.Equal(N, Assert.Single(array.Children).Count);
    }

    [Fact]
    public void Many_roots_of_one_type_are_one_group()
    {
        var analyzed = AnalyzedSnapshot.Analyze(ShapeHeap.ManyRoots(N).Snapshot);

        var suspect = Assert.Single(SuspectsReport.Create(analyzed).Suspects);
        Assert.Equal(N, suspect.Instances);
        Assert.Equal(140L * N, suspect.RetainedBytes);
        var row = Assert.Single(DominatorsReport.Create(analyzed, 6, 1).Roots);
        Assert.Equal((N, "Fixture.Session"), (row.Count, row.Type));
        var retainer = Assert.Single(DiffReport.ByRetainer(analyzed, analyzed, 20).Retainers!);
        Assert.Equal(N, retainer.Objects);
    }

    private static void AssertShort<T>(T report, Action<T, IAnsiConsole> view)
    {
        string text = Golden.Render(console => view(report, console));
        string json = ReportJson.Serialize(report);
        Assert.True(text.Length < MaxOutputChars, $"{typeof(T).Name} text is {text.Length:N0} characters");
        Assert.True(json.Length < MaxOutputChars, $"{typeof(T).Name} JSON is {json.Length:N0} characters");
    }
}
