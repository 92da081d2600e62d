using HeapLens.Analysis;
using HeapLens.Snapshots;
using Xunit;
using static HeapLens.Tests.Analysis.TestGraph;

namespace HeapLens.Tests.Analysis;

/// <summary>
/// <see cref="RootPathSearch"/> on heaps whose shortest paths are read off the edges, and on stored trees
/// that do not match their graph (a corrupt file that passed the tree's own checks).
/// </summary>
public sealed class RootPathSearchTests
{
    private static (int, int, int, int)[] Runs(IEnumerable<NodeRun> runs) =>
        runs.Select(r => (r.TypeIndex, r.First, r.Last, r.Count)).ToArray();

    [Fact]
    public void A_root_object_reached_from_two_roots_takes_the_first_root_s_path()
    {
        // Roots 0 -> 1 and 1 -> 3 both reach 2; root 2 holds 0. 2's discoverer is object 1 (not a root kind).
        var snapshot = Build(4, [(1, 2), (3, 2)], [Strong(1), Strong(3), (0, RootKind.Stack)], typeOf: i => i == 2 ? 1 : 0);
        var search = new RootPathSearch(snapshot, DominatorTree.Compute(snapshot));

        Assert.Equal(0, search.RootOf(2));
        Assert.Equal([0, 0, 0, 2], search.RootsOf([2, 1, 2, 0]));
        Assert.Equal([(0, 1, 1, 1), (1, 2, 2, 1)], Runs(search.RunsTo(2, out int root)));
        Assert.Equal(0, root);
    }

    [Fact]
    public void Among_equally_short_paths_the_static_s_wins_over_an_earlier_root_of_another_kind()
    {
        // Root 0 (stack) holds 0, root 1 (static) holds 1; both reference 2.
        var snapshot = Build(3, [(0, 2), (1, 2)], [(0, RootKind.Stack), Strong(1)]);
        var tree = DominatorTree.Compute(snapshot);

        Assert.Equal(1, new RootPathSearch(snapshot, tree).RootOf(2));
        Assert.Equal([1, 0, 1], new RootPathSearch(snapshot, tree).RootsOf([2, 0, 1]));
        Assert.Equal(1, ShortestPaths.Compute(snapshot).RootOf(2));
        Assert.Equal([1, 0], ShortestPaths.SearchOrder(snapshot.Roots));
    }

    [Fact]
    public void Unreachable_objects_have_no_root_and_no_path()
    {
        // 0 -> 1 from a static; 2 only weakly held; 3 held by nothing.
        var snapshot = Build(4, [(0, 1)], [Strong(0), Weak(2)]);
        var search = new RootPathSearch(snapshot, DominatorTree.Compute(snapshot));

        Assert.Equal([-1, 0, -1, 0, -1], search.RootsOf([2, 1, 3, 0, 2]));
        Assert.Equal(-1, search.RootOf(3));
        Assert.Empty(search.RunsTo(2, out int root));
        Assert.Equal(-1, root);
        Assert.Empty(search.RootsOf([]));
    }

    [Fact]
    public void A_search_that_fills_its_first_queue_exactly_ends_cleanly()
    {
        // 0 holds 1..64 and 64 holds 65: from 0, the search meets 0 and 1..63 (64 objects) before 64.
        var snapshot = Build(66, Enumerable.Range(1, 64).Select(i => (0, i)).Append((64, 65)), [Strong(0)], typeOf: i => i == 0 ? 0 : 1);
        var search = new RootPathSearch(snapshot, DominatorTree.Compute(snapshot));

        Assert.Equal([(0, 0, 0, 1), (1, 64, 65, 2)], Runs(search.RunsTo(65, out int root)));
        Assert.Equal(0, root);
        Assert.Equal([(0, 0, 0, 1), (1, 63, 63, 1)], Runs(search.RunsTo(63, out _)));
    }

    [Fact]
    public void A_stored_tree_that_calls_an_unreachable_object_a_root_s_is_refused_when_searched()
    {
        // The graph: root -> 1 -> 2, and 0 -> 3 with nothing holding 0. The stored tree says a root holds 3.
        var snapshot = Build(4, [(1, 2), (0, 3)], [Strong(1)]);
        var tree = DominatorTree.FromStored(snapshot, [-2, -1, 1, -1], [24, 48, 24, 24]);
        var search = new RootPathSearch(snapshot, tree);

        Assert.Equal("The snapshot is corrupt: its dominator tree does not match its references (object 3 is not reachable from the roots).", Assert.Throws<HeapLensException>(() => search.RootOf(3)).Message);
        Assert.Equal("The snapshot is corrupt: its dominator tree does not match its references (object 3 is not reachable from the roots).", Assert.Throws<HeapLensException>(() => search.RunsTo(3, out _)).Message);
    }

    [Fact]
    public void A_stored_dominator_that_does_not_reach_its_object_is_refused_when_searched()
    {
        // Roots hold 0 and 2; 0 -> 1. The stored tree says 2 dominates 1.
        var snapshot = Build(3, [(0, 1)], [Strong(0), Strong(2)]);
        var tree = DominatorTree.FromStored(snapshot, [-1, 2, -1], [24, 24, 48]);

        Assert.Equal("The snapshot is corrupt: its dominator tree does not match its references (object 1 is not reachable from its dominator 2).",
            Assert.Throws<HeapLensException>(() => new RootPathSearch(snapshot, tree).RunsTo(1, out _)).Message);
    }
}
