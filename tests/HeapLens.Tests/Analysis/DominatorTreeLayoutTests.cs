using HeapLens.Analysis;
using Xunit;
using static HeapLens.Tests.Analysis.TestGraph;

namespace HeapLens.Tests.Analysis;

/// <summary>The tree's arrays are exactly as long as what they describe, and the up-edge list grows past its first block.</summary>
public sealed class DominatorTreeLayoutTests
{
    [Fact]
    public void Preorder_and_subtree_sizes_hold_one_entry_per_reachable_object()
    {
        // 0 -> 1 -> 2 from a root, 3 -> 4 with nothing holding 3: three reachable objects.
        var tree = DominatorTree.Compute(Build(5, [(0, 1), (1, 2), (3, 4)], [Strong(0)]));

        Assert.Equal([0, 1, 2], tree.Preorder);
        Assert.Equal([3, 2, 1], tree.SubtreeSize);
    }

    [Fact]
    public void A_chain_whose_every_object_refers_back_to_the_first_is_still_a_chain()
    {
        // 3,000 objects 0 -> 1 -> ... -> 2999, each also -> 0: 2,999 edges up to an earlier vertex of the
        // depth-first walk, more than the first block of 1,024 the walk keeps them in.
        const int count = 3000;
        var edges = Enumerable.Range(0, count - 1).Select(i => (i, i + 1)).Concat(Enumerable.Range(1, count - 1).Select(i => (i, 0)));
        var tree = DominatorTree.Compute(Build(count, edges, [Strong(0)]));

        Assert.Equal(Enumerable.Range(-1, count), tree.ImmediateDominator);
    }
}
