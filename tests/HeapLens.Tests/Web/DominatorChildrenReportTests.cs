using HeapLens.Analysis;
using HeapLens.Reports;
using HeapLens.Snapshots;
using HeapLens.Tests.Reports;
using Xunit;

namespace HeapLens.Tests.Web;

/// <summary>The dominator-tree pages the web UI expands: every child once, in the order a full sort gives.</summary>
public sealed class DominatorChildrenReportTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100)]
    [InlineData(1000)]
    public void Pages_concatenate_to_the_children_sorted_by_retained_size(int pageSize)
    {
        // One static array holding 2,500 objects whose sizes repeat (ties are broken by node index).
        var heap = new SnapshotBuilder();
        var children = Enumerable.Range(0, 2500).Select(i => heap.Add("Item", (uint)(8 * (1 + (i * 37 % 101))))).ToArray();
        int array = heap.Add("Item[]", 24, children);
        heap.Static(array, "App.s_items");
        var analyzed = AnalyzedSnapshot.Analyze(heap.Build(SnapshotBuilder.Metadata(ServiceHeap.BaseTime)));

        var paged = new List<int>();
        for (int offset = 0; ; offset += pageSize)
        {
            var page = DominatorChildrenReport.Create(analyzed, array, offset, pageSize);
            Assert.Equal(2500, page.ChildCount);
            if (page.Children.Count == 0)
                break;
            paged.AddRange(page.Children.Select(c => c.Node));
        }
        Assert.Equal(analyzed.Tree.ChildrenByRetainedSize(array), paged);
    }

    [Fact]
    public void The_roots_children_name_their_root()
    {
        var analyzed = AnalyzedSnapshot.Analyze(ServiceHeap.After());
        var page = DominatorChildrenReport.Create(analyzed, null, 0);
        Assert.Null(page.Node);
        Assert.Contains(page.Children, c => c.Root == "static App.Sessions.s_sessions");
        Assert.Equal(analyzed.Tree.ReachableBytes, page.Children.Sum(c => c.RetainedBytes));
    }

    [Fact]
    public void An_unknown_node_is_refused()
    {
        var analyzed = AnalyzedSnapshot.Analyze(ServiceHeap.After());
        Assert.Throws<HeapLensException>(() => DominatorChildrenReport.Create(analyzed, analyzed.Snapshot.NodeCount, 0));
        Assert.Throws<HeapLensException>(() => DominatorChildrenReport.Create(analyzed, -1, 0));
    }
}
