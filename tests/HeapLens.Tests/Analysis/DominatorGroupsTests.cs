using HeapLens.Analysis;
using HeapLens.Snapshots;
using Xunit;
using static HeapLens.Tests.Analysis.TestGraph;

namespace HeapLens.Tests.Analysis;

/// <summary>
/// The grouped dominator tree of one crafted heap, row by row. Items 0 and 1 (30 bytes each) are held by
/// stack roots; Dict 2 (100) by the static s_cache, Dict 3 (50) by s_other. 2 -> Arr 4 (40) -> String 5 (40),
/// Items 6 and 7 (20 each); 3 -> String 8 (10). Retained: 4 holds 120, 2 holds 220, 3 holds 60.
/// </summary>
public sealed class DominatorGroupsTests
{
    private const int Dict = 0, Item = 1, Str = 2, Arr = 3;
    private static readonly uint[] Sizes = [30, 30, 100, 50, 40, 40, 20, 20, 10];
    private static readonly int[] TypeOf = [Item, Item, Dict, Dict, Arr, Str, Item, Item, Str];

    private static AnalyzedSnapshot Heap() => AnalyzedSnapshot.Analyze(Build(9,
        [(2, 4), (4, 5), (4, 6), (4, 7), (3, 8)],
        [(0, RootKind.Stack), (1, RootKind.Stack), Strong(2), Strong(3)],
        sizeOf: i => Sizes[i], typeOf: i => TypeOf[i], typeNames: ["App.Dict", "App.Item", "System.String", "App.Arr"],
        rootNames: [null, null, "App.Program.s_cache", "App.Program.s_other"]));

    private static ulong Address(int node) => 0x1000UL + (ulong)node * 64;

    private static (string, int, long, long, string?, ulong?) Row(DominatorGroup g) =>
        (g.TypeName, g.Count, g.RetainedBytes, g.ShallowBytes, g.Root?.ToString(), g.Address);

    // Named roots stay apart; the stack-held Items are one row; ties in retained size go by type name.
    private static readonly (string, int, long, long, string?, ulong?)[] TopRows =
    [
        ("App.Dict", 1, 220, 100, "static App.Program.s_cache", Address(2)),
        ("App.Dict", 1, 60, 50, "static App.Program.s_other", Address(3)),
        ("App.Item", 2, 60, 60, null, null),
    ];

    [Fact]
    public void The_tree_groups_by_root_and_type_down_to_the_depth_asked()
    {
        var analyzed = Heap();
        var top = DominatorGroups.Build(analyzed.Snapshot, analyzed.Tree, analyzed.Roots, maxDepth: 3, minBytes: 0);

        Assert.Equal(TopRows, top.Select(Row));
        var arr = Assert.Single(top[0].Children);
        Assert.Equal(("App.Arr", 1, 120L, 40L, (string?)null, (ulong?)Address(4)), Row(arr));
        Assert.Equal([("App.Item", 2, 40L, 40L, (string?)null, (ulong?)null), ("System.String", 1, 40, 40, null, Address(5))],
            arr.Children.Select(Row));
        Assert.All(arr.Children, g => Assert.Empty(g.Children));
        Assert.Equal([("System.String", 1, 10L, 10L, (string?)null, (ulong?)Address(8))], top[1].Children.Select(Row));
        Assert.Empty(top[2].Children);
    }

    [Fact]
    public void Depth_one_is_the_top_rows_alone()
    {
        var analyzed = Heap();
        var top = DominatorGroups.Build(analyzed.Snapshot, analyzed.Tree, analyzed.Roots, maxDepth: 1, minBytes: 0);

        Assert.Equal(TopRows, top.Select(Row));
        Assert.All(top, g => Assert.Empty(g.Children));
    }

    [Fact]
    public void Rows_retaining_exactly_the_minimum_stay_and_smaller_ones_go()
    {
        var analyzed = Heap();
        var top = DominatorGroups.Build(analyzed.Snapshot, analyzed.Tree, analyzed.Roots, maxDepth: 3, minBytes: 40);

        Assert.Equal(TopRows, top.Select(Row));
        Assert.Equal(["App.Item", "System.String"], top[0].Children[0].Children.Select(g => g.TypeName));
        Assert.Empty(top[1].Children);
        Assert.Equal([220L], DominatorGroups.Build(analyzed.Snapshot, analyzed.Tree, analyzed.Roots, maxDepth: 3, minBytes: 61)
            .Select(g => g.RetainedBytes));
    }

    [Fact]
    public void An_object_s_children_are_summed_per_type_biggest_first_then_by_name()
    {
        var analyzed = Heap();
        // Children of Arr 4 in node order: String 5, then Items 6 and 7 (40 bytes together: a tie).
        var rows = DominatorGroups.OfChildren(analyzed, 4);

        Assert.Equal([("App.Item", 2, 40L, 40L, (string?)null, (ulong?)null), ("System.String", 1, 40, 40, null, Address(5))],
            rows.Select(Row));
        Assert.Equal([], rows[0].Members);
        Assert.Equal([5], rows[1].Members);
        Assert.Equal([("App.Arr", 1, 120L, 40L, (string?)null, (ulong?)Address(4))], DominatorGroups.OfChildren(analyzed, 2).Select(Row));
        Assert.Empty(DominatorGroups.OfChildren(analyzed, 5));
    }

    [Fact]
    public void The_roots_children_are_the_top_rows()
    {
        var rows = DominatorGroups.OfChildren(Heap(), null);

        Assert.Equal(TopRows, rows.Select(Row));
        Assert.Equal([0, 1], rows[2].Members);
    }

    [Theory]
    [InlineData(0, Item, true)]   // held by an unnamed stack root: grouped with its type
    [InlineData(6, Item, true)]
    [InlineData(2, Dict, false)]  // held by a named static: a row of its own
    [InlineData(6, Dict, false)]
    [InlineData(5, Item, false)]
    public void A_group_member_is_of_the_type_and_not_held_by_a_named_root(int node, int type, bool member)
    {
        var analyzed = Heap();
        Assert.Equal(member, DominatorGroups.IsGroupMember(analyzed.Snapshot, analyzed.Roots, node, type));
    }
}
