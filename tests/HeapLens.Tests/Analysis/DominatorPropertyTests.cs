using CsCheck;
using HeapLens.Analysis;
using HeapLens.Snapshots;
using Xunit;

namespace HeapLens.Tests.Analysis;

/// <summary>Semi-NCA against the definition, on thousands of small random heaps.</summary>
public class DominatorPropertyTests
{
    /// <summary>A random heap: cycles, self-loops, duplicate edges, shared children, unreachable nodes, weak roots.</summary>
    public sealed record RandomHeap(int NodeCount, (int From, int To)[] Edges, (int Node, RootKind Kind)[] Roots, uint[] Sizes, int[] Types)
    {
        public HeapSnapshot ToSnapshot() =>
            TestGraph.Build(NodeCount, Edges, Roots, i => Sizes[i], i => Types[i], ["A", "B", "C"]);

        public override string ToString() =>
            $"n={NodeCount} edges=[{string.Join(" ", Edges.Select(e => $"{e.From}->{e.To}"))}] " +
            $"roots=[{string.Join(" ", Roots.Select(r => $"{r.Node}:{r.Kind}"))}] " +
            $"sizes=[{string.Join(",", Sizes)}] types=[{string.Join(",", Types)}]";
    }

    private static readonly Gen<RootKind> RootKindGen =
        Gen.Int[0, 3].Select(k => k switch { 0 => RootKind.WeakHandle, 1 => RootKind.Stack, 2 => RootKind.StrongHandle, _ => RootKind.Static });

    private static readonly Gen<RandomHeap> RandomHeapGen =
        Gen.Int[1, 30].SelectMany(n => Gen.Select(
            Gen.Select(Gen.Int[0, n - 1], Gen.Int[0, n - 1]).Array[0, 3 * n],
            Gen.Select(Gen.Int[0, n - 1], RootKindGen).Array[0, 4],
            Gen.UInt[1, 100].Array[n],
            Gen.Int[0, 2].Array[n],
            (edges, roots, sizes, types) => new RandomHeap(n, edges, roots, sizes, types)));

    [Fact]
    public void Dominators_and_retained_sizes_match_the_definition()
    {
        RandomHeapGen.Sample(heap =>
        {
            var snapshot = heap.ToSnapshot();
            var tree = DominatorTree.Compute(snapshot);
            var oracle = new BruteForceDominators(snapshot);
            long reachableBytes = 0;
            for (int node = 0; node < heap.NodeCount; node++)
            {
                Assert.Equal(oracle.ImmediateDominator(node), tree.ImmediateDominator[node]);
                Assert.Equal(oracle.Reachable[node], tree.IsReachable(node));
                Assert.Equal(oracle.RetainedSize(node), tree.RetainedSize[node]);
                if (oracle.Reachable[node])
                    reachableBytes += snapshot.SizeOf(node);
            }
            Assert.Equal(reachableBytes, tree.ReachableBytes);
            Assert.Equal(snapshot.TotalBytes - reachableBytes, tree.UnreachableBytes);
        }, iter: 5000);
    }

    [Fact]
    public void Child_lists_are_the_inverse_of_the_immediate_dominators()
    {
        RandomHeapGen.Sample(heap =>
        {
            var tree = DominatorTree.Compute(heap.ToSnapshot());
            var idom = tree.ImmediateDominator;
            Assert.Equal(Enumerable.Range(0, heap.NodeCount).Where(n => idom[n] == DominatorTree.SyntheticRoot), tree.RootChildren);
            for (int node = 0; node < heap.NodeCount; node++)
                Assert.Equal(Enumerable.Range(0, heap.NodeCount).Where(n => idom[n] == node), tree.ChildrenOf(node).ToArray());
        }, iter: 2000);
    }

    [Fact]
    public void Retained_by_type_sums_top_level_instances_and_bounds_what_removing_the_type_frees()
    {
        RandomHeapGen.Sample(heap =>
        {
            var snapshot = heap.ToSnapshot();
            var oracle = new BruteForceDominators(snapshot);
            var rows = RetainedByType.Compute(snapshot, DominatorTree.Compute(snapshot));
            for (int type = 0; type < 3; type++)
            {
                var instances = Enumerable.Range(0, heap.NodeCount).Where(n => heap.Types[n] == type).ToList();
                var row = rows.SingleOrDefault(r => r.TypeIndex == type);
                if (instances.Count == 0)
                {
                    Assert.Equal(default, row);
                    continue;
                }
                var topLevel = instances.Where(x =>
                    !oracle.Reachable[x] || !instances.Any(other => oracle.Dominated[other][x])).ToList();
                long expectedRetained = topLevel.Sum(oracle.RetainedSize);
                Assert.Equal(instances.Count, row.Count);
                Assert.Equal(instances.Sum(n => (long)heap.Sizes[n]), row.ShallowBytes);
                Assert.Equal(topLevel.Count, row.TopLevelCount);
                Assert.Equal(expectedRetained, row.RetainedBytes);
                Assert.True(row.RetainedBytes >= row.ShallowBytes);

                long unreachableInstanceBytes = instances.Where(n => !oracle.Reachable[n]).Sum(n => (long)heap.Sizes[n]);
                long freedByRemovingAll = oracle.BytesFreedWithout(n => heap.Types[n] == type);
                Assert.True(row.RetainedBytes - unreachableInstanceBytes <= freedByRemovingAll);
            }
        }, iter: 3000);
    }

    [Fact]
    public void A_stored_tree_loads_back_identical()
    {
        RandomHeapGen.Sample(heap =>
        {
            var snapshot = heap.ToSnapshot();
            var computed = DominatorTree.Compute(snapshot);
            var loaded = DominatorTree.FromStored(snapshot, (int[])computed.ImmediateDominator.Clone(), (long[])computed.RetainedSize.Clone());
            Assert.Equal(computed.ChildStart, loaded.ChildStart);
            Assert.Equal(computed.Children, loaded.Children);
            Assert.Equal(computed.RootChildren, loaded.RootChildren);
            Assert.Equal(computed.ReachableBytes, loaded.ReachableBytes);
            Assert.Equal(computed.UnreachableBytes, loaded.UnreachableBytes);
            Assert.Equal(computed.UnreachableCount, loaded.UnreachableCount);
            AssertPreorderMatchesSubtrees(loaded, new BruteForceDominators(snapshot));
        }, iter: 1000);
    }

    [Fact]
    public void Every_subtree_is_a_contiguous_range_of_the_preorder()
    {
        RandomHeapGen.Sample(heap =>
        {
            var snapshot = heap.ToSnapshot();
            AssertPreorderMatchesSubtrees(DominatorTree.Compute(snapshot), new BruteForceDominators(snapshot));
        }, iter: 2000);
    }

    private static void AssertPreorderMatchesSubtrees(DominatorTree tree, BruteForceDominators oracle)
    {
        var reachable = Enumerable.Range(0, tree.NodeCount).Where(n => oracle.Reachable[n]).ToArray();
        Assert.Equal(reachable, tree.Preorder.Order());
        for (int position = 0; position < tree.Preorder.Length; position++)
        {
            int node = tree.Preorder[position];
            var dominated = reachable.Where(w => w == node || oracle.Dominated[node][w]).ToArray();
            Assert.Equal(dominated, tree.Preorder.AsSpan(position, tree.SubtreeSize[position]).ToArray().Order());
        }
    }
}
