using HeapLens.Analysis;
using HeapLens.Snapshots;
using Xunit;
using static HeapLens.Tests.Analysis.TestGraph;

namespace HeapLens.Tests.Analysis;

/// <summary>
/// Leak suspects on crafted heaps of exactly 1,000 reachable bytes (the threshold is then 100 bytes),
/// and the descent to the accumulation point on chains whose 70% steps are worked out in the comments.
/// </summary>
public sealed class LeakSuspectsTests
{
    private static (int Type, int First, int Last, int Count)[] Runs(IEnumerable<NodeRun> path) =>
        path.Select(r => (r.TypeIndex, r.First, r.Last, r.Count)).ToArray();

    // Holders 0 -> 1 (static s_service; 10 and 30 bytes); 1 holds Pages 2 (150) and 3 (100) and 23 Items
    // 6..28 (20 each, 460); Page 4 (150) has a static of its own, Blob 5 (100) a stack root.
    // Retained: 1 holds 740, 0 holds 750. Descent 0 -> 1 (740 >= 0.7 * 750); at 1 the biggest child,
    // Page 2 (150), is below 0.7 * 740, so 1 is the accumulation point and its Items what accumulates.
    private static AnalyzedSnapshot Service()
    {
        uint[] sizes = [10, 30, 150, 100, 150, 100];
        return AnalyzedSnapshot.Analyze(Build(29,
            [(0, 1), (1, 2), (1, 3), .. Enumerable.Range(6, 23).Select(i => (1, i))],
            [Strong(0), Strong(4), (5, RootKind.Stack)],
            sizeOf: i => i < 6 ? sizes[i] : 20u,
            typeOf: i => i switch { 0 or 1 => 0, 2 or 3 or 4 => 1, 5 => 2, _ => 3 },
            typeNames: ["App.Holder", "App.Page", "App.Blob", "App.Item"],
            rootNames: ["App.Program.s_service", "App.Program.s_page", null]));
    }

    [Fact]
    public void Suspects_at_the_threshold_count_and_ties_keep_the_order_they_were_found_in()
    {
        var suspects = LeakSuspects.Find(Service());

        // Found: 0 (the biggest root child first), its point's children 3 then 2 (a stack: the last pushed
        // first), then the root children 4 and 5. Sorted by size, ties in that order. 3 and 5 hold exactly 100.
        Assert.Equal([0, 2, 4, 3, 5], suspects.Select(s => s.Suspect));
        Assert.Equal([750L, 150, 150, 100, 100], suspects.Select(s => s.RetainedBytes));
        Assert.Equal(["static App.Program.s_service", "static App.Program.s_service", "static App.Program.s_page",
            "static App.Program.s_service", "stack"], suspects.Select(s => s.Root?.ToString()));
        Assert.All(suspects, s => Assert.Equal(1, s.GroupCount));
    }

    [Fact]
    public void The_first_suspect_accumulates_the_items_of_the_end_of_its_holder_run()
    {
        var service = LeakSuspects.Find(Service())[0];

        Assert.Equal([(0, 0, 1, 2)], Runs(service.Path));
        Assert.Equal(1, service.AccumulationPoint);
        Assert.Equal(new Accumulation("App.Item", 23, 460), service.Accumulates);
    }

    // Sessions 0 (300) and 1 (20), ten Tokens 2..11 (5, 6, ..., 13 and 19: 100 together), Cache 12 (580):
    // all held by roots directly.
    private static AnalyzedSnapshot Sessions()
    {
        uint[] sizes = [300, 20, 5, 6, 7, 8, 9, 10, 11, 12, 13, 19, 580];
        return AnalyzedSnapshot.Analyze(Build(13, [],
            Enumerable.Range(0, 12).Select(i => (i, RootKind.Stack)).Append(Strong(12)),
            sizeOf: i => sizes[i], typeOf: i => i switch { 0 or 1 => 0, 12 => 2, _ => 1 },
            typeNames: ["App.Session", "App.Token", "App.Cache"],
            rootNames: [.. Enumerable.Repeat<string?>(null, 12), "App.Program.s_cache"]));
    }

    [Fact]
    public void Same_typed_root_objects_that_hold_the_threshold_together_are_one_suspect_without_the_suspects_among_them()
    {
        var suspects = LeakSuspects.Find(Sessions());

        Assert.Equal([(12, 580L, 1), (0, 300, 1), (11, 100, 10)], suspects.Select(s => (s.Suspect, s.RetainedBytes, s.GroupCount)));
        var tokens = suspects[2];
        Assert.Null(tokens.Root);
        Assert.Equal([(1, 11, 11, 1)], Runs(tokens.Path));
        Assert.Equal(new Accumulation("App.Token", 10, 100), tokens.Accumulates);
        // Session 1 alone (20 bytes) is no group: Session 0 is a suspect of its own.
        Assert.DoesNotContain(suspects, s => s.Suspect == 1);
    }

    // Objects 0 and 1 (100 each) held by statics s_x and s_y both reference Big 2 (800), which no root holds
    // directly: its root is the first static its shortest path starts from. With a weak handle first among
    // the roots, that static is root 1 instead of root 0.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_suspect_no_root_holds_is_named_by_the_root_of_its_shortest_path(bool weakRootFirst)
    {
        (int, RootKind)[] statics = [Strong(0), Strong(1)];
        string?[] names = ["App.A.s_x", "App.A.s_y"];
        var snapshot = Build(3, [(0, 2), (1, 2)], weakRootFirst ? [Weak(1), .. statics] : statics,
            sizeOf: i => i == 2 ? 800u : 100u, typeOf: i => i == 2 ? 1 : 0, typeNames: ["App.A", "App.Big"],
            rootNames: weakRootFirst ? [null, .. names] : names);
        var suspects = LeakSuspects.Find(AnalyzedSnapshot.Analyze(snapshot));

        Assert.Equal([(2, "static App.A.s_x"), (1, "static App.A.s_y"), (0, "static App.A.s_x")],
            suspects.Select(s => (s.Suspect, s.Root?.ToString())));
    }

    [Fact]
    public void An_empty_heap_has_no_suspects()
    {
        var snapshot = Build(1, [], [Weak(0)]);
        Assert.Empty(LeakSuspects.Find(AnalyzedSnapshot.Analyze(snapshot)));
    }

    [Fact]
    public void The_descent_follows_the_biggest_child_while_it_keeps_seventy_percent()
    {
        // 0 (10) -> 1 (10), 2 (70 + 3's 10 = 80): 80 of 100 is enough; at 2, 3 is 10 of 80, not enough.
        var snapshot = Build(4, [(0, 1), (0, 2), (2, 3)], [Strong(0)], sizeOf: i => i == 2 ? 70u : 10u, typeOf: i => i);
        var path = LeakSuspects.DescendToAccumulation(snapshot, DominatorTree.Compute(snapshot), 0);

        Assert.Equal([(0, 0, 0, 1), (2, 2, 2, 1)], Runs(path));
    }

    [Fact]
    public void Of_two_children_retaining_the_same_the_first_is_followed()
    {
        // Empty objects: 0 B of 0 B is 70% of it, so the descent goes on, to the first of the tied children.
        var snapshot = Build(3, [(0, 1), (0, 2)], [Strong(0)], sizeOf: _ => 0, typeOf: i => i);
        var path = LeakSuspects.DescendToAccumulation(snapshot, DominatorTree.Compute(snapshot), 0);

        Assert.Equal([(0, 0, 0, 1), (1, 1, 1, 1)], Runs(path));
    }

    // Queue 1 (8) -> Links 2 -> 3 -> ... -> 18 (10 each); 18 holds Links 0 (10, holding Link 21 of 10)
    // and 19 (20): both retain 20; Payload 20 (40) and Link 22 (5). 18 retains 95: its biggest child
    // (Payload, 40) is below 70%, so the descent stops at 18 after 17 Links and follows the Links from there:
    // the biggest, the first of a tie (0, not 19), then 21.
    [Fact]
    public void A_long_run_of_one_type_is_followed_to_the_end_of_the_list_by_its_biggest_same_typed_child()
    {
        var edges = Enumerable.Range(1, 17).Select(i => (i, i + 1)).Concat([(18, 0), (18, 19), (18, 20), (18, 22), (0, 21)]);
        var snapshot = Build(23, edges, [Strong(1)],
            sizeOf: i => i switch { 1 => 8, 19 => 20, 20 => 40, 22 => 5, _ => 10 },
            typeOf: i => i switch { 1 => 0, 20 => 2, _ => 1 }, typeNames: ["App.Queue", "App.Link", "App.Payload"]);
        var tree = DominatorTree.Compute(snapshot);
        var path = LeakSuspects.DescendToAccumulation(snapshot, tree, 1);

        Assert.Equal([(0, 1, 1, 1), (1, 2, 21, 19)], Runs(path));
        // 2 retains the 16 Links 2..17 (160) and 18's 95.
        Assert.Equal(new Accumulation("App.Link", 19, 255, AccumulationShape.LinkedList), LeakSuspects.WhatAccumulates(snapshot, tree, path));
    }

    [Fact]
    public void A_descent_that_stops_after_exactly_sixteen_of_one_type_follows_the_list_to_its_end()
    {
        // Queue 0 -> Links 1 -> ... -> 18, 10 B each: Link i retains 10 * (19 - i). The descent keeps 70%
        // down to Link 16 (30 B of Link 15's 40); Link 17 (20 of 30) is below it: a run of exactly 16.
        var snapshot = Build(19, Enumerable.Range(0, 18).Select(i => (i, i + 1)), [Strong(0)],
            sizeOf: _ => 10u, typeOf: i => i == 0 ? 0 : 1, typeNames: ["App.Queue", "App.Link"]);
        var path = LeakSuspects.DescendToAccumulation(snapshot, DominatorTree.Compute(snapshot), 0);

        Assert.Equal([(0, 0, 0, 1), (1, 1, 18, 18)], Runs(path));
    }

    [Fact]
    public void Sixteen_objects_of_one_type_are_a_linked_list()
    {
        // Queue 0 -> Links 1 -> ... -> 16; the last Link is big, so the descent reaches it.
        var snapshot = Build(17, Enumerable.Range(0, 16).Select(i => (i, i + 1)), [Strong(0)],
            sizeOf: i => i == 16 ? 1000u : 10u, typeOf: i => i == 0 ? 0 : 1, typeNames: ["App.Queue", "App.Link"]);
        var tree = DominatorTree.Compute(snapshot);
        var path = LeakSuspects.DescendToAccumulation(snapshot, tree, 0);

        Assert.Equal([(0, 0, 0, 1), (1, 1, 16, LeakSuspects.LinkedListMinimum)], Runs(path));
        Assert.Equal(new Accumulation("App.Link", 16, 15 * 10 + 1000, AccumulationShape.LinkedList),
            LeakSuspects.WhatAccumulates(snapshot, tree, path));
    }

    [Fact]
    public void The_biggest_group_sums_every_run_of_a_type()
    {
        // 0 holds, in order: A 1 (50), B 2 (30), A 3 (40), B 4 (35): A holds 90 in two runs, B 65.
        uint[] sizes = [1, 50, 30, 40, 35];
        var snapshot = Build(5, [(0, 1), (0, 2), (0, 3), (0, 4)], [Strong(0)], sizeOf: i => sizes[i],
            typeOf: i => i == 0 ? 0 : 2 - i % 2, typeNames: ["App.Root", "App.A", "App.B"]);
        var tree = DominatorTree.Compute(snapshot);

        Assert.Equal(new Accumulation("App.A", 2, 90), LeakSuspects.BiggestGroup(snapshot, tree, 0));
        Assert.Null(LeakSuspects.BiggestGroup(snapshot, tree, 4));
    }
}
