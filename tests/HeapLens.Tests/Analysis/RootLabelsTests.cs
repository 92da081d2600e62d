using HeapLens.Analysis;
using HeapLens.Snapshots;
using Xunit;
using static HeapLens.Tests.Analysis.TestGraph;

namespace HeapLens.Tests.Analysis;

/// <summary>Which of several roots holding an object names it.</summary>
public sealed class RootLabelsTests
{
    [Fact]
    public void The_most_telling_root_names_an_object()
    {
        // Object 0: weak, stack, strong handle. 1: unnamed static, then named static. 2: named static, then
        // an unnamed one. 3: finalizer queue, then ref-counted handle. 4: only weak. 5: two stacks. 6: none.
        var snapshot = Build(7, [],
        [
            Weak(0), (0, RootKind.Stack), (0, RootKind.StrongHandle),
            Strong(1), Strong(1),
            Strong(2), Strong(2),
            (3, RootKind.FinalizerQueue), (3, RootKind.RefCountedHandle),
            Weak(4),
            (5, RootKind.Stack), (5, RootKind.Stack),
        ],
        rootNames: [null, null, null, null, "App.P.s_b", "App.P.s_c", null, null, null, null, null, null]);
        var labels = new RootLabels(snapshot);

        Assert.Equal(["strong handle", "static App.P.s_b", "static App.P.s_c", "ref-counted handle", "weak handle", "stack", null],
            Enumerable.Range(0, 7).Select(n => labels.Of(n)?.ToString()));
        Assert.Equal([true, true, true, true, true, true, false], Enumerable.Range(0, 7).Select(labels.IsRoot));
    }

    [Fact]
    public void Of_two_roots_that_tell_as_much_the_first_names_the_object()
    {
        var snapshot = Build(1, [], [Strong(0), Strong(0)], rootNames: ["App.P.s_first", "App.P.s_second"]);

        Assert.Equal("static App.P.s_first", new RootLabels(snapshot).Of(0)?.ToString());
    }
}
