using CsCheck;
using HeapLens.Analysis;
using HeapLens.Reports;
using HeapLens.Snapshots;
using HeapLens.Tests.Analysis;
using Xunit;

namespace HeapLens.Tests.Reports;

/// <summary>The compact forms of paths and instance selection against their plain definitions, on random heaps.</summary>
public class PathPropertyTests
{
    private static readonly Gen<HeapSnapshot> RandomHeap =
        Gen.Int[1, 60].SelectMany(n => Gen.Select(
            Gen.Select(Gen.Int[0, n - 1], Gen.Int[0, n - 1]).Array[0, 3 * n],
            Gen.Int[0, n - 1].Array[1, 4],
            Gen.Int[0, 1].Array[n],
            (edges, roots, types) => TestGraph.Build(n, edges, roots.Select(TestGraph.Strong), typeOf: i => types[i], typeNames: ["A", "B"])));

    [Fact]
    public void Runs_expand_to_the_shortest_path()
    {
        RandomHeap.Sample(snapshot =>
        {
            var paths = ShortestPaths.Compute(snapshot);
            var tree = DominatorTree.Compute(snapshot);
            for (int node = 0; node < snapshot.NodeCount; node++)
            {
                var path = paths.PathTo(node);
                var runs = paths.RunsTo(node, out _);
                Assert.Equal(path.Count, runs.Sum(r => r.Count));
                int at = 0;
                foreach (var run in runs)
                {
                    Assert.Equal(path[at], run.First);
                    Assert.Equal(path[at + run.Count - 1], run.Last);
                    Assert.All(path.Skip(at).Take(run.Count), n => Assert.Equal(run.TypeIndex, snapshot.TypeIndex[n]));
                    at += run.Count;
                }
                // Neighbouring runs differ in type: the runs are as few as they can be.
                for (int i = 1; i < runs.Count; i++)
                    Assert.NotEqual(runs[i - 1].TypeIndex, runs[i].TypeIndex);

                var segments = PathSegments.Of(snapshot, tree, runs);
                Assert.True(segments.Count <= PathSegments.MaxSegments);
                Assert.Equal(path.Count, segments.Sum(s => s.Count));
            }
        });
    }

    // Roots of three kinds: statics win ties, stack roots do not, weak handles keep nothing alive.
    private static readonly RootKind[] RootKinds = [RootKind.Static, RootKind.Stack, RootKind.WeakHandle];

    private static readonly Gen<HeapSnapshot> RandomHeapWithRootKinds =
        Gen.Int[1, 60].SelectMany(n => Gen.Select(
            Gen.Select(Gen.Int[0, n - 1], Gen.Int[0, n - 1]).Array[0, 3 * n],
            Gen.Select(Gen.Int[0, n - 1], Gen.Int[0, RootKinds.Length - 1].Select(k => RootKinds[k])).Array[1, 6],
            Gen.Int[0, 1].Array[n],
            (edges, roots, types) => TestGraph.Build(n, edges, roots, typeOf: i => types[i], typeNames: ["A", "B"])));

    [Fact]
    public void The_search_for_one_object_finds_the_path_and_root_the_full_search_keeps()
    {
        RandomHeapWithRootKinds.Sample(snapshot =>
        {
            var all = ShortestPaths.Compute(snapshot);
            var one = new RootPathSearch(snapshot, DominatorTree.Compute(snapshot));
            for (int node = 0; node < snapshot.NodeCount; node++)
            {
                Assert.Equal(all.IsReachable(node), one.IsReachable(node));
                Assert.Equal(all.RootOf(node), one.RootOf(node));
                var expected = all.RunsTo(node, out int expectedRoot);
                var found = one.RunsTo(node, out int foundRoot);
                Assert.Equal(expectedRoot, foundRoot);
                Assert.Equal(expected, found);
            }
        });
    }

    [Fact]
    public void The_search_for_many_objects_at_once_finds_the_roots_the_full_search_keeps()
    {
        RandomHeapWithRootKinds.Select(Gen.Int[0, 59].Array[0, 30]).Sample((snapshot, picks) =>
        {
            var all = ShortestPaths.Compute(snapshot);
            // Any objects, repeated, unreachable ones included: each gets its own answer in its own place.
            int[] nodes = picks.Select(p => p % snapshot.NodeCount).ToArray();
            var found = new RootPathSearch(snapshot, DominatorTree.Compute(snapshot)).RootsOf(nodes);
            Assert.Equal(nodes.Select(all.RootOf), found);
        });
    }

    [Fact]
    public void The_biggest_instances_are_those_a_full_sort_picks()
    {
        Gen.Select(Gen.Int[0, 2].Array[0, 200], Gen.Long[0, 5].Array[200], Gen.Int[1, 10]).Sample((types, retained, count) =>
        {
            var expected = Enumerable.Range(0, types.Length).Where(n => types[n] == 1)
                .OrderByDescending(n => retained[n]).ThenBy(n => n).Take(count);
            Assert.Equal(expected, PathsReport.BiggestInstances(types, 1, retained, count));
        });
    }
}
