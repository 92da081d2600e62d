using HeapLens.Analysis;
using HeapLens.Snapshots;
using Xunit;
using static HeapLens.Tests.Analysis.TestGraph;

namespace HeapLens.Tests.Analysis;

/// <summary>Heap shapes whose dominators can be worked out by hand.</summary>
public class DominatorShapeTests
{
    [Fact]
    public void Two_holders_sharing_children_retain_only_themselves()
    {
        // Roots hold H1 (0) and H2 (1); both reference C1 (2) and C2 (3); C1 holds D (4).
        var snapshot = Build(5,
            [(0, 2), (0, 3), (1, 2), (1, 3), (2, 4)],
            [Strong(0), Strong(1)],
            sizeOf: i => (uint)(10 * (i + 1)));
        var tree = DominatorTree.Compute(snapshot);

        Assert.Equal([-1, -1, -1, -1, 2], tree.ImmediateDominator);
        Assert.Equal(10, tree.RetainedSize[0]);
        Assert.Equal(20, tree.RetainedSize[1]);
        Assert.Equal(30 + 50, tree.RetainedSize[2]);
        Assert.Equal([0, 1, 2, 3], tree.RootChildren);
        Assert.Equal(150, tree.ReachableBytes);
    }

    [Fact]
    public void A_diamond_under_one_object_is_retained_by_the_top()
    {
        // Top (0) -> Left (1), Right (2); both -> Shared (3).
        var snapshot = Build(4, [(0, 1), (0, 2), (1, 3), (2, 3)], [Strong(0)]);
        var tree = DominatorTree.Compute(snapshot);

        Assert.Equal([-1, 0, 0, 0], tree.ImmediateDominator);
        Assert.Equal(4 * 24, tree.RetainedSize[0]);
        Assert.Equal(24, tree.RetainedSize[1]);
        Assert.Equal([1, 2, 3], tree.ChildrenOf(0).ToArray());
    }

    [Fact]
    public void A_cycle_is_dominated_by_its_entry()
    {
        // 0 -> 1 -> 2 -> 3 -> 1, root holds 0.
        var snapshot = Build(4, [(0, 1), (1, 2), (2, 3), (3, 1)], [Strong(0)]);
        var tree = DominatorTree.Compute(snapshot);

        Assert.Equal([-1, 0, 1, 2], tree.ImmediateDominator);
        Assert.Equal(3 * 24, tree.RetainedSize[1]);
    }

    [Fact]
    public void A_cycle_entered_from_two_roots_keeps_both_entries_at_the_top()
    {
        // Cycle 0 -> 1 -> 2 -> 0; roots hold 0 and 2.
        var snapshot = Build(3, [(0, 1), (1, 2), (2, 0)], [Strong(0), Strong(2)]);
        var tree = DominatorTree.Compute(snapshot);

        Assert.Equal([-1, 0, -1], tree.ImmediateDominator);
        Assert.Equal(48, tree.RetainedSize[0]);
        Assert.Equal(24, tree.RetainedSize[2]);
    }

    [Fact]
    public void A_million_long_chain_does_not_overflow_the_stack()
    {
        // The chain visits nodes in a scrambled order so that storage order is not DFS order.
        const int length = 1_000_000;
        int[] order = Enumerable.Range(0, length).Select(i => (int)((i * 7919L) % length)).ToArray();
        var edges = Enumerable.Range(0, length - 1).Select(k => (order[k], order[k + 1]));
        var snapshot = Build(length, edges, [Strong(order[0])], sizeOf: i => (uint)(16 + 8 * (i % 5)));
        var tree = DominatorTree.Compute(snapshot);

        long expectedRetained = 0;
        for (int k = length - 1; k >= 0; k--)
        {
            int node = order[k];
            expectedRetained += snapshot.SizeOf(node);
            Assert.Equal(k == 0 ? DominatorTree.SyntheticRoot : order[k - 1], tree.ImmediateDominator[node]);
            Assert.Equal(expectedRetained, tree.RetainedSize[node]);
        }
        Assert.Equal(snapshot.TotalBytes, tree.ReachableBytes);
        Assert.Equal([order[0]], tree.RootChildren);

        var byType = RetainedByType.Compute(snapshot, tree);
        Assert.Equal(1, byType.Single().TopLevelCount);
        Assert.Equal(snapshot.TotalBytes, byType.Single().RetainedBytes);
    }

    [Fact]
    public void A_back_edge_across_a_million_long_chain_is_evaluated_without_recursion()
    {
        // Chain 0 -> 1 -> ... -> n-1, a back edge n-1 -> 1 (path compression over the whole chain)
        // and a shortcut 0 -> n/2, which makes 0 the dominator of the second half.
        const int length = 1_000_000;
        const int middle = length / 2;
        var edges = Enumerable.Range(0, length - 1).Select(k => (k, k + 1)).Append((length - 1, 1)).Append((0, middle));
        var snapshot = Build(length, edges, [Strong(0)], sizeOf: _ => 10);
        var tree = DominatorTree.Compute(snapshot);

        for (int k = 1; k < length; k++)
            Assert.Equal(k == middle ? 0 : k - 1, tree.ImmediateDominator[k]);
        Assert.Equal(10L * length, tree.RetainedSize[0]);
        Assert.Equal(10L * (middle - 1), tree.RetainedSize[1]);
        Assert.Equal(10L * (length - middle), tree.RetainedSize[middle]);
    }

    [Fact]
    public void A_wide_fan_out_is_dominated_by_its_hub()
    {
        const int children = 100_000;
        var snapshot = Build(children + 1, Enumerable.Range(1, children).Select(c => (0, c)), [Strong(0)]);
        var tree = DominatorTree.Compute(snapshot);

        Assert.All(Enumerable.Range(1, children), c => Assert.Equal(0, tree.ImmediateDominator[c]));
        Assert.Equal(children, tree.ChildrenOf(0).Length);
        Assert.Equal((children + 1) * 24L, tree.RetainedSize[0]);
    }

    [Fact]
    public void Objects_held_only_by_weak_handles_are_unreachable_and_retain_themselves()
    {
        // Root -> 0; weak handle -> 1 -> 2; 0 -> 2 too; 3 is held by nothing.
        var snapshot = Build(4, [(0, 2), (1, 2)], [Strong(0), Weak(1)], sizeOf: i => (uint)(100 + i));
        var tree = DominatorTree.Compute(snapshot);

        Assert.Equal([-1, -2, 0, -2], tree.ImmediateDominator);
        Assert.False(tree.IsReachable(1));
        Assert.False(tree.IsReachable(3));
        Assert.Equal(101, tree.RetainedSize[1]);
        Assert.Equal(100 + 102, tree.RetainedSize[0]);
        Assert.Equal(2, tree.UnreachableCount);
        Assert.Equal(101 + 103, tree.UnreachableBytes);
        Assert.Equal(202, tree.ReachableBytes);
        Assert.DoesNotContain(1, tree.RootChildren);
    }

    [Fact]
    public void A_node_rooted_several_times_and_by_weak_handles_too_is_counted_once()
    {
        var snapshot = Build(2, [(0, 1)], [Weak(0), Strong(0), (0, RootKind.Stack), Weak(1)]);
        var tree = DominatorTree.Compute(snapshot);

        Assert.Equal([-1, 0], tree.ImmediateDominator);
        Assert.Equal(48, tree.ReachableBytes);
    }

    [Fact]
    public void Objects_of_4_GB_and_more_count_with_their_real_size()
    {
        const long huge = 5L << 30;
        var snapshot = Build(2, [(0, 1)], [Strong(0)],
            sizeOf: i => i == 1 ? uint.MaxValue : 24, hugeSizes: new() { [1] = huge });
        var tree = DominatorTree.Compute(snapshot);

        Assert.Equal(huge + 24, tree.RetainedSize[0]);
        Assert.Equal(huge, tree.RetainedSize[1]);
    }

    [Fact]
    public void Children_sort_by_retained_size_then_by_node()
    {
        // 0 holds 1 (alone), 2 (holds 4), 3 (alone); roots hold 0 and 5.
        var snapshot = Build(6, [(0, 1), (0, 2), (0, 3), (2, 4)], [Strong(5), Strong(0)]);
        var tree = DominatorTree.Compute(snapshot);

        Assert.Equal([2, 1, 3], tree.ChildrenByRetainedSize(0));
        Assert.Equal([0, 5], tree.RootChildrenByRetainedSize());
    }

    [Fact]
    public void An_empty_heap_has_an_empty_tree()
    {
        var tree = DominatorTree.Compute(Build(0, [], []));

        Assert.Empty(tree.RootChildren);
        Assert.Equal(0, tree.ReachableBytes);
    }

    [Fact]
    public void A_reference_outside_the_node_table_is_reported_as_corruption()
    {
        var snapshot = Build(2, [(0, 7)], [Strong(0)]);

        var error = Assert.Throws<HeapLensException>(() => DominatorTree.Compute(snapshot));
        Assert.Contains("corrupt", error.Message);
    }

    [Fact]
    public void A_root_outside_the_node_table_is_reported_as_corruption()
    {
        var snapshot = Build(2, [(0, 1)], [Strong(5)]);

        Assert.Throws<HeapLensException>(() => DominatorTree.Compute(snapshot));
    }

    [Fact]
    public void Cancellation_stops_the_computation()
    {
        var snapshot = Build(3, [(0, 1), (1, 2)], [Strong(0)]);

        Assert.Throws<OperationCanceledException>(() => DominatorTree.Compute(snapshot, new CancellationToken(canceled: true)));
    }
}
