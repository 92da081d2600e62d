using HeapLens.Analysis;
using HeapLens.Snapshots;
using Xunit;
using static HeapLens.Tests.Analysis.TestGraph;

namespace HeapLens.Tests.Analysis;

public sealed class RetainerDiffTests
{
    private static Retainer Of(string signature, long retained, Accumulation? accumulates = null) =>
        new(signature, null, "T", 1, retained, [], accumulates);

    [Fact]
    public void Retainers_pair_by_signature_and_a_missing_side_counts_as_nothing()
    {
        var changes = RetainerDiff.Compute([Of("a", 100), Of("gone", 40)], [Of("new", 30), Of("a", 250)])
            .ToDictionary(c => c.Signature);

        Assert.Equal(3, changes.Count);
        Assert.Equal((100L, 250L, 150L), (changes["a"].Base!.RetainedBytes, changes["a"].New!.RetainedBytes, changes["a"].DeltaRetainedBytes));
        Assert.Equal((-40L, true), (changes["gone"].DeltaRetainedBytes, changes["gone"].New is null));
        Assert.Equal((30L, true), (changes["new"].DeltaRetainedBytes, changes["new"].Base is null));
    }

    [Fact]
    public void Accumulated_growth_needs_the_same_type_on_both_sides()
    {
        var items = new Accumulation("Item", 10, 240);
        Assert.Equal(15, new RetainerChange(Of("s", 1, items), Of("s", 1, items with { Count = 25 })).DeltaAccumulated);
        Assert.Equal(25, new RetainerChange(Of("s", 1), Of("s", 1, items with { Count = 25 })).DeltaAccumulated);
        Assert.Equal(25, new RetainerChange(null, Of("s", 1, items with { Count = 25 })).DeltaAccumulated);
        Assert.Null(new RetainerChange(Of("s", 1, new Accumulation("Other", 3, 72)), Of("s", 1, items)).DeltaAccumulated);
        Assert.Null(new RetainerChange(Of("s", 1, items), Of("s", 1)).DeltaAccumulated);
        Assert.Null(new RetainerChange(Of("s", 1, items), null).DeltaAccumulated);
        Assert.Equal("s", new RetainerChange(Of("s", 1), null).Signature);
    }

    // A static s_cache holds a Cache (8 bytes) of `items` Items (16 each); each of `extras` is a type with one
    // object (16 bytes) held by a stack root.
    private static AnalyzedSnapshot Heap(int items, params string[] extras)
    {
        int count = items + 1 + extras.Length;
        var snapshot = Build(count, Enumerable.Range(1, items).Select(i => (0, i)),
            Enumerable.Range(items + 1, extras.Length).Select(n => (n, RootKind.Stack)).Prepend(Strong(0)),
            sizeOf: i => i == 0 ? 8u : 16u, typeOf: i => i == 0 ? 0 : i <= items ? 1 : i - items + 1,
            typeNames: ["App.Cache", "App.Item", .. extras], rootNames: ["App.P.s_cache", .. extras.Select(_ => (string?)null)]);
        return AnalyzedSnapshot.Analyze(snapshot);
    }

    [Fact]
    public void Growth_lists_the_biggest_growth_first_and_ties_by_signature()
    {
        // s_cache grows by 3 Items (48 bytes); App.Old (16) goes, App.Zed and App.New (16 each) come, in that order.
        var growth = RetainerDiff.Growth(Heap(2, "App.Old"), Heap(5, "App.Zed", "App.New"));

        Assert.Equal(
            [("static App.P.s_cache | App.Cache", 48L, (long?)3), ("stack | App.New", 16, null), ("stack | App.Zed", 16, null),
             ("stack | App.Old", -16, null)],
            growth.Select(c => (c.Signature, c.DeltaRetainedBytes, c.DeltaAccumulated)));
    }
}
