using HeapLens.Analysis;
using Xunit;
using static HeapLens.Tests.Analysis.TestGraph;

namespace HeapLens.Tests.Analysis;

public sealed class AnalyzedSnapshotTests
{
    [Fact]
    public void An_analysis_refuses_a_tree_of_another_snapshot()
    {
        var tree = DominatorTree.Compute(Build(2, [(0, 1)], [Strong(0)]));
        var error = Assert.Throws<ArgumentException>(() => new AnalyzedSnapshot(Build(3, [], [Strong(0)]), tree));
        Assert.Equal("The dominator tree belongs to another snapshot. (Parameter 'tree')", error.Message);
    }

    [Fact]
    public void Its_parts_are_computed_once_and_shared()
    {
        var analyzed = AnalyzedSnapshot.Analyze(Build(3, [(0, 1)], [Strong(0), Strong(2)], sizeOf: i => (uint)(10 * (i + 1))));

        Assert.Same(analyzed.PathSearch, analyzed.PathSearch);
        Assert.Same(analyzed.Roots, analyzed.Roots);
        Assert.Same(analyzed.Types, analyzed.Types);
        Assert.Equal(60, analyzed.Tree.ReachableBytes);
        var (snapshot, tree) = analyzed;
        Assert.Same(analyzed.Snapshot, snapshot);
        Assert.Same(analyzed.Tree, tree);
    }
}
