using HeapLens.Analysis;
using Xunit;
using static HeapLens.Tests.Analysis.TestGraph;

namespace HeapLens.Tests.Analysis;

/// <summary>Children by retained size: biggest first, ties by node index, also past the sort's small-array path.</summary>
public sealed class DominatorTreeOrderTests
{
    [Fact]
    public void Equal_children_keep_node_order_behind_bigger_ones()
    {
        // 0 holds 1..40: every third one 48 bytes, the rest 24; root objects 41..80 likewise.
        const int n = 40;
        uint Size(int i) => i % 3 == 0 ? 48u : 24u;
        var snapshot = Build(2 * n + 1,
            Enumerable.Range(1, n).Select(i => (0, i)),
            Enumerable.Range(n + 1, n).Select(Strong).Prepend(Strong(0)),
            sizeOf: i => i == 0 ? 8u : Size(i));
        var tree = DominatorTree.Compute(snapshot);

        int[] children = Enumerable.Range(1, n).ToArray();
        int[] expected = [.. children.Where(i => Size(i) == 48), .. children.Where(i => Size(i) == 24)];
        Assert.Equal(expected, tree.ChildrenByRetainedSize(0));

        int[] rootChildren = Enumerable.Range(n + 1, n).ToArray();
        int[] expectedRoots = [0, .. rootChildren.Where(i => Size(i) == 48), .. rootChildren.Where(i => Size(i) == 24)];
        Assert.Equal(expectedRoots, tree.RootChildrenByRetainedSize());
    }

}
