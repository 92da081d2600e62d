using HeapLens.Analysis;
using Xunit;
using static HeapLens.Tests.Analysis.TestGraph;

namespace HeapLens.Tests.Analysis;

/// <summary>Loading a tree from stored arrays must refuse arrays that are not a dominator forest.</summary>
public class StoredDominatorTreeTests
{
    // 0 -> 1 -> 2, root holds 0; node 3 unreachable.
    private static readonly HeapLens.Snapshots.HeapSnapshot Chain = Build(4, [(0, 1), (1, 2)], [Strong(0)]);

    [Fact]
    public void Valid_arrays_load()
    {
        var tree = DominatorTree.FromStored(Chain, [-1, 0, 1, -2], [72, 48, 24, 24]);

        Assert.Equal([0], tree.RootChildren);
        Assert.Equal([2], tree.ChildrenOf(1).ToArray());
        Assert.Equal(72, tree.ReachableBytes);
        Assert.Equal(1, tree.UnreachableCount);
    }

    [Theory]
    [InlineData(3, 3)]
    [InlineData(4, 3)]
    [InlineData(3, 4)]
    public void Arrays_of_the_wrong_length_are_refused(int dominators, int sizes) =>
        Assert.Equal($"The stored dominator tree has {dominators} dominators and {sizes} retained sizes for 4 objects.",
            Assert.Throws<HeapLensException>(() => DominatorTree.FromStored(Chain, new[] { -1, 0, 1, -2 }[..dominators], new long[] { 72, 48, 24, 24 }[..sizes])).Message);

    [Fact]
    public void A_dominator_cycle_is_refused()
    {
        var error = Assert.Throws<HeapLensException>(() => DominatorTree.FromStored(Chain, [-1, 2, 1, -2], [72, 48, 24, 24]));
        Assert.Contains("cycle", error.Message);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(-3)]
    [InlineData(1)]
    public void A_dominator_outside_the_node_table_or_itself_is_refused(int badDominator) =>
        Assert.Equal($"The stored dominator tree is corrupt: object 1 has dominator {badDominator}.",
            Assert.Throws<HeapLensException>(() => DominatorTree.FromStored(Chain, [-1, badDominator, 1, -2], [72, 48, 24, 24])).Message);

    [Fact]
    public void A_retained_size_below_the_own_size_is_refused() =>
        Assert.Throws<HeapLensException>(() => DominatorTree.FromStored(Chain, [-1, 0, 1, -2], [72, 48, 10, 24]));

    [Fact]
    public void Retained_sizes_that_do_not_add_up_are_refused()
    {
        var error = Assert.Throws<HeapLensException>(() => DominatorTree.FromStored(Chain, [-1, 0, 1, -2], [80, 48, 24, 24]));
        Assert.Contains("object 0 retains 80 bytes", error.Message);
    }
}
