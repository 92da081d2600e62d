using HeapLens.Analysis;
using HeapLens.Snapshots;
using Xunit;
using static HeapLens.Tests.Analysis.TestGraph;

namespace HeapLens.Tests.Analysis;

/// <summary>Every object's shortest path at once, on a heap whose paths are read off the edges.</summary>
public sealed class ShortestPathsTests
{
    // Stack root 0 -> 0 -> 1 -> 2 -> 3 and static root 1 -> 4 -> 3: 3 is two steps from the static, three
    // from the stack. 5 is held weakly, and by the stack root too; 6 only weakly; 7 by nothing.
    private static readonly HeapSnapshot Heap = Build(8, [(0, 1), (1, 2), (2, 3), (4, 3), (6, 7)],
        [(0, RootKind.Stack), Strong(4), Weak(5), (5, RootKind.Stack), Weak(6)], typeOf: i => i is 1 or 2 ? 1 : 0);

    [Fact]
    public void Each_object_gets_its_shortest_path_and_the_root_it_starts_from()
    {
        var paths = ShortestPaths.Compute(Heap);

        Assert.Equal([4, 3], paths.PathTo(3));
        Assert.Equal([0, 1, 2], paths.PathTo(2));
        Assert.Equal([5], paths.PathTo(5));
        Assert.Equal([0, 0, 0, 1, 1, 3, -1, -1], Enumerable.Range(0, 8).Select(paths.RootOf));
        Assert.Equal([0, 0, 0, 1, 1, 3, -1, -1], paths.RootsOf(Enumerable.Range(0, 8).ToArray()));
    }

    [Fact]
    public void Runs_join_consecutive_objects_of_one_type()
    {
        var paths = ShortestPaths.Compute(Heap);

        var runs = paths.RunsTo(2, out int root);
        Assert.Equal([(0, 0, 0, 1), (1, 1, 2, 2)], runs.Select(r => (r.TypeIndex, r.First, r.Last, r.Count)));
        Assert.Equal(0, root);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(7)]
    public void What_only_weak_handles_or_nothing_hold_has_no_path(int node)
    {
        var paths = ShortestPaths.Compute(Heap);

        Assert.False(paths.IsReachable(node));
        Assert.Empty(paths.PathTo(node));
        Assert.Empty(paths.RunsTo(node, out int root));
        Assert.Equal(-1, root);
    }

    [Fact]
    public void The_search_on_demand_gives_the_same_paths()
    {
        var search = new RootPathSearch(Heap, DominatorTree.Compute(Heap));
        var paths = ShortestPaths.Compute(Heap);

        foreach (int node in Enumerable.Range(0, 8))
        {
            Assert.Equal(paths.RootOf(node), search.RootOf(node));
            Assert.Equal(paths.RunsTo(node, out int expectedRoot), search.RunsTo(node, out int root));
            Assert.Equal(expectedRoot, root);
        }
    }
}
