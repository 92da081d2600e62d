using HeapLens.Analysis;
using HeapLens.Snapshots;
using Xunit;
using static HeapLens.Tests.Analysis.TestGraph;

namespace HeapLens.Tests.Analysis;

/// <summary>
/// Retainers of one crafted heap. Roots, in order: 0 static s_a -> Holder 7; 1 static s_cache -> Cache 0;
/// 2 strong handle -> Holder 8; 3, 4 stack -> Conns 3, 4; 5 stack -> Holder 10. Cache 0 (100) holds Items 1 (50)
/// and 2 (40); Conn 4 (20) holds Buf 5 (40), Conn 3 is 30 bytes; Shared 6 (10) is referenced by Holders 7 and 8,
/// Other 9 (8) by Holders 8 and 10 (5 each): no root holds those two directly.
/// </summary>
public sealed class RetainersTests
{
    private static readonly uint[] Sizes = [100, 50, 40, 30, 20, 40, 10, 5, 5, 8, 5];
    private static readonly string[] Types = ["App.Cache", "App.Item", "App.Conn", "App.Buf", "App.Shared", "App.Holder", "App.Other"];
    private static readonly int[] TypeOf = [0, 1, 1, 2, 2, 3, 4, 5, 5, 6, 5];

    private static AnalyzedSnapshot Heap() => AnalyzedSnapshot.Analyze(Build(11,
        [(0, 1), (0, 2), (4, 5), (7, 6), (8, 6), (8, 9), (10, 9)],
        [Strong(7), Strong(0), (8, RootKind.StrongHandle), (3, RootKind.Stack), (4, RootKind.Stack), (10, RootKind.Stack)],
        sizeOf: i => Sizes[i], typeOf: i => TypeOf[i], typeNames: Types,
        rootNames: ["App.P.s_a", "App.P.s_cache", null, null, null, null]));

    private static (string? Root, string Type, int Objects, long Retained, (int, int, int, int)[] Path, Accumulation? Accumulates) Row(Retainer r) =>
        (r.Root?.ToString(), r.TypeName, r.Objects, r.RetainedBytes, r.Path.Select(n => (n.TypeIndex, n.First, n.Last, n.Count)).ToArray(), r.Accumulates);

    [Fact]
    public void Each_root_and_type_is_one_retainer_with_its_biggest_member_s_path()
    {
        var retainers = Retainers.Compute(Heap()).ToDictionary(r => r.Signature, Row);

        Assert.Equal(7, retainers.Count);
        var cache = retainers["static App.P.s_cache | App.Cache"];
        Assert.Equal(("static App.P.s_cache", "App.Cache", 1, 190L), (cache.Root, cache.Type, cache.Objects, cache.Retained));
        Assert.Equal([(0, 0, 0, 1)], cache.Path);
        Assert.Equal(new Accumulation("App.Item", 2, 90), cache.Accumulates);

        // Two Conns: 3 (30) and 4 (60 with its Buf); the path is the bigger one's, and a group names no accumulation.
        var conns = retainers["stack | App.Conn"];
        Assert.Equal(("stack", "App.Conn", 2, 90L), (conns.Root, conns.Type, conns.Objects, conns.Retained));
        Assert.Equal([(2, 4, 4, 1)], conns.Path);
        Assert.Null(conns.Accumulates);

        Assert.Equal(5, retainers["static App.P.s_a | App.Holder"].Retained);
        Assert.Equal(5, retainers["strong handle | App.Holder"].Retained);
        Assert.Equal(5, retainers["stack | App.Holder"].Retained);
    }

    [Fact]
    public void What_no_root_holds_is_named_by_the_kind_of_root_its_shortest_path_starts_from()
    {
        var retainers = Retainers.Compute(Heap()).ToDictionary(r => r.Signature, Row);

        // Shared 6: Holder 7 of root 0 (a static, searched first) meets it first; the name is not kept.
        var shared = retainers["static | App.Shared"];
        Assert.Equal(("static", "App.Shared", 1, 10L), (shared.Root, shared.Type, shared.Objects, shared.Retained));
        Assert.Equal([(4, 6, 6, 1)], shared.Path);
        Assert.Null(shared.Accumulates);
        // Other 9: Holder 8 of root 2 (a strong handle) comes before Holder 10 of root 5 (stack).
        Assert.Equal(("strong handle", 8L), (retainers["strong handle | App.Other"].Root, retainers["strong handle | App.Other"].Retained));
    }
}
