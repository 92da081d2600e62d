using HeapLens.Analysis;
using HeapLens.Snapshots;
using Xunit;
using static HeapLens.Tests.Analysis.TestGraph;

namespace HeapLens.Tests.Analysis;

/// <summary>
/// <see cref="AllocationAttribution.OfAccumulation"/> picks the objects an accumulation counts: every object
/// below is sampled (period one byte: one object per sample, <see cref="SampledSites"/>), so the sample
/// count and bytes say exactly which objects were taken. Sizes are 16 + 8 * node.
/// </summary>
public sealed class AllocationAccumulationTests
{
    private static readonly string[] Types = ["App.Box", "App.Item", "App.Other", "App.Link", "App.Payload"];

    private static long Size(int node) => 16 + 8 * node;

    // Boxes 0 -> 1 (static root); 1 -> Items 2, 3, 4 and Other 5; 5 -> Item 6; Item 7 held by a stack root;
    // Item 8 only by a weak handle (unreachable). Site 1 allocated 3 and 4, site 0 the other objects.
    private static AnalyzedSnapshot Children()
    {
        var snapshot = Build(9, [(0, 1), (1, 2), (1, 3), (1, 4), (1, 5), (5, 6)],
            [Strong(0), (7, RootKind.Stack), Weak(8)],
            sizeOf: i => (uint)Size(i), typeOf: i => i switch { 0 or 1 => 0, 5 => 2, _ => 1 }, typeNames: Types);
        SampledSites.Attach(snapshot, 2, Enumerable.Range(0, 9).Select(n => (n, n is 3 or 4 ? 1 : 0)).ToArray());
        return AnalyzedSnapshot.Analyze(snapshot);
    }

    // The Box run 0 -> 1 ends at 1, whose Items are the accumulation.
    private static readonly NodeRun[] BoxRun = [new(0, 0, 1, 2)];

    [Fact]
    public void Children_are_the_accumulation_point_s_own_objects_of_the_type()
    {
        var origins = AllocationAttribution.OfAccumulation(Children(), BoxRun, new Accumulation("App.Item", 3, 0))!;

        Assert.Equal((3, Size(2) + Size(3) + Size(4)), (origins.Samples, origins.Bytes));
        Assert.Equal([("App.Site1", 2L, Size(3) + Size(4)), ("App.Site0", 1L, Size(2))],
            origins.Sites.Select(s => (s.Function, s.Objects, s.Bytes)));
    }

    [Fact]
    public void A_root_group_is_the_type_s_objects_the_roots_hold_directly()
    {
        var origins = AllocationAttribution.OfAccumulation(Children(), BoxRun, new Accumulation("App.Item", 1, 0), rootGroup: true)!;

        Assert.Equal((1, Size(7)), (origins.Samples, origins.Bytes));
    }

    [Fact]
    public void No_accumulation_or_no_allocation_sites_give_no_answer()
    {
        Assert.Null(AllocationAttribution.OfAccumulation(Children(), BoxRun, null));
        var plain = AnalyzedSnapshot.Analyze(Build(2, [(0, 1)], [Strong(0)]));
        Assert.Null(AllocationAttribution.OfAccumulation(plain, [new(0, 0, 1, 2)], new Accumulation("Type0", 1, 24)));
    }

    // Links 0 -> 1 -> 2 (static root) -> Payload 3; Link 4 held by a root of its own, right after the list
    // in preorder; Link 5 only weakly held (unreachable, in no preorder position).
    private static AnalyzedSnapshot List()
    {
        var snapshot = Build(6, [(0, 1), (1, 2), (2, 3)], [Strong(0), Strong(4), Weak(5)],
            sizeOf: i => (uint)Size(i), typeOf: i => i == 3 ? 4 : 3, typeNames: Types);
        SampledSites.Attach(snapshot, 1, Enumerable.Range(0, 6).Select(n => (n, 0)).ToArray());
        return AnalyzedSnapshot.Analyze(snapshot);
    }

    private static readonly Accumulation Links = new("App.Link", 3, 0, AccumulationShape.LinkedList);

    [Fact]
    public void A_linked_list_is_its_type_in_the_first_node_s_subtree()
    {
        var analyzed = List();
        // The subtree of 0 is preorder positions 0..3; 4 is at position 4, just past it.
        Assert.Equal([0, 1, 2, 3, 4], analyzed.Tree.Preorder);

        var origins = AllocationAttribution.OfAccumulation(analyzed, [new(3, 0, 2, 3)], Links)!;
        Assert.Equal((3, Size(0) + Size(1) + Size(2)), (origins.Samples, origins.Bytes));
    }

    [Fact]
    public void A_list_whose_first_node_is_not_first_in_preorder_counts_its_own_subtree()
    {
        var origins = AllocationAttribution.OfAccumulation(List(), [new(3, 4, 4, 1)], Links)!;

        Assert.Equal((1, Size(4)), (origins.Samples, origins.Bytes));
    }
}
