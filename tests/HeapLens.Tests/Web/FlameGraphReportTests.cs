using HeapLens.Profiles;
using HeapLens.Reports;
using Xunit;

namespace HeapLens.Tests.Web;

/// <summary>The flame graph's call tree: merged stacks, widths that add up, narrow boxes pruned and counted.</summary>
public sealed class FlameGraphReportTests
{
    // Functions 1..4: Main, Serve, Parse, Tiny. Stacks are leaf first, as in pprof.
    private static Profile Build()
    {
        var profile = new Profile();
        profile.SampleTypes.Add(new HeapLens.Profiles.ValueType("alloc_objects", "count"));
        profile.SampleTypes.Add(new HeapLens.Profiles.ValueType("alloc_space", "bytes"));
        string[] names = ["Main", "Serve", "Parse", "Tiny"];
        for (int i = 0; i < names.Length; i++)
        {
            profile.Functions.Add(new Function { Id = (ulong)(i + 1), Name = names[i] });
            var location = new Location { Id = (ulong)(i + 1) };
            location.Lines.Add(new Line((ulong)(i + 1), 10));
            profile.Locations.Add(location);
        }
        profile.Samples.Add(new Sample { LocationIds = [2, 1], Values = [10, 6000] });    // Main > Serve
        profile.Samples.Add(new Sample { LocationIds = [3, 2, 1], Values = [5, 3000] });  // Main > Serve > Parse
        profile.Samples.Add(new Sample { LocationIds = [3, 1], Values = [1, 990] });      // Main > Parse
        profile.Samples.Add(new Sample { LocationIds = [4, 1], Values = [1, 10] });       // Main > Tiny: 0.1 %
        return profile;
    }

    [Fact]
    public void Stacks_merge_into_boxes_whose_widths_add_up()
    {
        var report = FlameGraphReport.Create("p.pb.gz", Build(), "alloc_space", minShare: 0);
        Assert.Equal(10_000, report.Total);
        Assert.Equal(["alloc_objects", "alloc_space"], report.SampleTypes);
        var main = Assert.Single(report.Nodes, n => n.Parent < 0);
        Assert.Equal(("Main", 10_000L, 0L), (main.Name, main.Value, main.Self));
        // Callees biggest first, each right after its caller in preorder.
        Assert.Equal(["Main", "Serve", "Parse", "Parse", "Tiny"], report.Nodes.Select(n => n.Name));
        Assert.Equal([0, 1, 2, 1, 1], report.Nodes.Select(n => n.Depth));
        Assert.Equal([9000L, 3000L, 990L, 10L], report.Nodes.Skip(1).Select(n => n.Value));
        Assert.Equal(6000, report.Nodes[1].Self);
        for (int i = 0; i < report.Nodes.Count; i++)
        {
            long children = report.Nodes.Where(n => n.Parent == i).Sum(n => n.Value);
            Assert.Equal(report.Nodes[i].Value, children + report.Nodes[i].Self);
        }
    }

    [Fact]
    public void Boxes_narrower_than_the_share_are_left_out_and_counted()
    {
        var report = FlameGraphReport.Create("p.pb.gz", Build(), "alloc_space", minShare: 0.01);
        Assert.DoesNotContain(report.Nodes, n => n.Name == "Tiny");
        Assert.Equal((10L, 1), (report.PrunedValue, report.PrunedNodes));
        var objects = FlameGraphReport.Create("p.pb.gz", Build(), "alloc_objects", minShare: 0.01);
        Assert.Equal(17, objects.Total);
        Assert.Contains(objects.Nodes, n => n.Name == "Tiny"); // 1 of 17 objects is wide enough
    }

    [Fact]
    public void Peek_gives_callers_and_callees_with_what_flows_through_each()
    {
        var parse = ProfilePeekReport.Create("p.pb.gz", Build(), "Parse", "alloc_space");
        Assert.Equal((3990L, 3990L), (parse.Flat, parse.Cum));
        Assert.Equal([("Serve", 3000L), ("Main", 990L)], parse.Callers.Select(e => (e.Name, e.Value)));
        Assert.Empty(parse.Callees);
        var serve = ProfilePeekReport.Create("p.pb.gz", Build(), "Serve", "alloc_space");
        Assert.Equal((6000L, 9000L), (serve.Flat, serve.Cum));
        Assert.Equal([("Main", 9000L)], serve.Callers.Select(e => (e.Name, e.Value)));
        Assert.Equal([("Parse", 3000L)], serve.Callees.Select(e => (e.Name, e.Value)));
        Assert.Throws<HeapLensException>(() => ProfilePeekReport.Create("p.pb.gz", Build(), "Nope", null));
    }

    [Fact]
    public void A_diff_box_is_as_wide_as_both_values_and_nests_its_callees()
    {
        var pair = ProfilePair.Create("a.pb.gz", CraftedFlameDiff.Base(), "b.pb.gz", CraftedFlameDiff.New(), normalize: false);
        var report = FlameGraphReport.Create(pair, "alloc_space", minShare: 0);
        Assert.Equal(("b.pb.gz", "a.pb.gz", 53_000L, 46_000L), (report.File, report.BaseFile, report.Total, report.BaseTotal));
        // Grow and Shrink swapped sizes: with the larger of the two values as the width, Main's callees
        // (40,000 + 30,000 + ...) would overflow Main (53,000). Base + new adds up.
        for (int i = 0; i < report.Nodes.Count; i++)
        {
            var node = report.Nodes[i];
            Assert.Equal(node.Value - node.BaseValue, node.Change);
            var children = report.Nodes.Where(n => n.Parent == i).ToList();
            Assert.True(children.Sum(n => n.Value) <= node.Value && children.Sum(n => n.BaseValue) <= node.BaseValue, node.Name);
        }
        var gone = Assert.Single(report.Nodes, n => n.Name == "App.Gone");
        Assert.Equal((0L, 5_000L, -5_000L), (gone.Value, gone.BaseValue!.Value, gone.Change!.Value));
    }

    [Fact]
    public void A_single_profile_graph_has_no_diff_fields()
    {
        var report = FlameGraphReport.Create("p.pb.gz", Build(), "alloc_space", minShare: 0);
        Assert.Null(report.BaseTotal);
        Assert.All(report.Nodes, n => Assert.True(n.BaseValue is null && n.Change is null));
        Assert.DoesNotContain("baseValue", ReportJson.Serialize(report));
    }

    [Fact]
    public void An_unknown_sample_type_is_refused()
    {
        Assert.Throws<HeapLensException>(() => FlameGraphReport.Create("p.pb.gz", Build(), "inuse_space"));
        Assert.Throws<HeapLensException>(() => FlameGraphReport.Create("p.pb.gz", Build(), null, minShare: 1));
    }
}
