using HeapLens.Analysis;
using Xunit;
using static HeapLens.Tests.Analysis.TestGraph;

namespace HeapLens.Tests.Analysis;

public class RetainedByTypeTests
{
    private static readonly string[] Types = ["Node", "String", "Holder"];

    [Fact]
    public void A_linked_list_counts_only_its_head()
    {
        // Node 0 -> Node 1 -> Node 2 -> Node 3; every Node holds its own String (4..7).
        var snapshot = Build(8,
            [(0, 1), (1, 2), (2, 3), (0, 4), (1, 5), (2, 6), (3, 7)],
            [Strong(0)],
            sizeOf: i => i < 4 ? 32u : 40u,
            typeOf: i => i < 4 ? 0 : 1,
            typeNames: Types);
        var tree = DominatorTree.Compute(snapshot);
        var rows = RetainedByType.Compute(snapshot, tree).ToDictionary(r => r.TypeName);

        var node = rows["Node"];
        Assert.Equal(4, node.Count);
        Assert.Equal(4 * 32, node.ShallowBytes);
        Assert.Equal(1, node.TopLevelCount);
        Assert.Equal(tree.RetainedSize[0], node.RetainedBytes);
        Assert.Equal(4 * 32 + 4 * 40, node.RetainedBytes);

        // No String dominates another: each is top-level.
        var text = rows["String"];
        Assert.Equal(4, text.TopLevelCount);
        Assert.Equal(4 * 40, text.RetainedBytes);
        Assert.False(rows.ContainsKey("Holder"));
    }

    [Fact]
    public void Instances_sharing_an_object_do_not_retain_it()
    {
        // Holders 0 and 1 (rooted) share String 2; Holder 0 alone holds Holder 3, which holds String 4.
        var snapshot = Build(5,
            [(0, 2), (1, 2), (0, 3), (3, 4)],
            [Strong(0), Strong(1)],
            sizeOf: _ => 100,
            typeOf: i => i is 2 or 4 ? 1 : 2,
            typeNames: Types);
        var rows = RetainedByType.Compute(snapshot, DominatorTree.Compute(snapshot)).ToDictionary(r => r.TypeName);

        var holder = rows["Holder"];
        Assert.Equal(3, holder.Count);
        Assert.Equal(2, holder.TopLevelCount);
        // Holder 0 retains itself, Holder 3 and String 4; Holder 1 only itself. String 2 is nobody's.
        Assert.Equal(300 + 100, holder.RetainedBytes);
        Assert.Equal("Holder", RetainedByType.Compute(snapshot, DominatorTree.Compute(snapshot))[0].TypeName);
    }

    [Fact]
    public void Unreachable_instances_count_with_their_own_size()
    {
        var snapshot = Build(3, [(0, 1)], [Strong(0), Weak(2)], sizeOf: i => (uint)(10 + i), typeOf: i => i == 0 ? 2 : 0, typeNames: Types);
        var rows = RetainedByType.Compute(snapshot, DominatorTree.Compute(snapshot)).ToDictionary(r => r.TypeName);

        Assert.Equal(2, rows["Node"].Count);
        Assert.Equal(11 + 12, rows["Node"].RetainedBytes);
        Assert.Equal(2, rows["Node"].TopLevelCount);
    }

    [Fact]
    public void Rows_are_biggest_first_and_equal_ones_by_name()
    {
        // One rooted object per type; type indices in an order that is neither the size order nor the names'.
        string[] names = ["Zeta", "Alpha", "Beta", "Mid"];
        uint[] sizes = [100, 100, 50, 200];
        var snapshot = Build(4, [], Enumerable.Range(0, 4).Select(Strong), sizeOf: i => sizes[i], typeOf: i => i, typeNames: names);

        Assert.Equal([("Mid", 200L), ("Alpha", 100), ("Zeta", 100), ("Beta", 50)],
            RetainedByType.Compute(snapshot, DominatorTree.Compute(snapshot)).Select(r => (r.TypeName, r.RetainedBytes)));
    }

    [Fact]
    public void A_tree_of_another_snapshot_is_refused()
    {
        var other = Build(2, [(0, 1)], [Strong(0)]);
        var error = Assert.Throws<ArgumentException>(() => RetainedByType.Compute(Build(3, [], [Strong(0)]), DominatorTree.Compute(other)));
        Assert.Equal("The dominator tree belongs to another snapshot. (Parameter 'tree')", error.Message);
    }
}
