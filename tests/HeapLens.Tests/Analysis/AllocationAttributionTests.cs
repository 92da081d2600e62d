using HeapLens.Analysis;
using HeapLens.Tests.Hostile;
using Xunit;
using static HeapLens.Tests.Analysis.TestGraph;

namespace HeapLens.Tests.Analysis;

/// <summary>
/// Attribution on a small snapshot with hand-made sites (<see cref="SnapshotSections.WithSites"/>): objects
/// 0, 2 and 4 sampled (24, 40 and 56 bytes); object 0 from a stack whose innermost line is Store.cs:12,
/// objects 2 and 4 from a stack without lines. Weights are computed here from p = 1/102400 directly.
/// </summary>
public sealed class AllocationAttributionTests
{
    private static double Weight(long size) => 1 / (1 - Math.Pow(1 - 1 / 102400.0, size));

    [Fact]
    public void A_group_is_estimated_with_inverse_probability_weights_and_split_by_site()
    {
        var snapshot = SnapshotSections.WithSites(SnapshotSections.Small());
        var origins = AllocationAttribution.Of(snapshot, _ => true)!;
        Assert.Equal(3, origins.Samples);
        Assert.Equal(Math.Round(Weight(24) + Weight(40) + Weight(56)), origins.Objects);
        Assert.Equal(Math.Round(24 * Weight(24) + 40 * Weight(40) + 56 * Weight(56)), origins.Bytes, 0);
        double variance = new[] { 24, 40, 56 }.Sum(s => Weight(s) * (Weight(s) - 1));
        Assert.Equal(Math.Round(Math.Sqrt(variance)), origins.ObjectsStandardError);
        // The lineless stack's leaf names its site; the other's innermost line does.
        Assert.Equal([("System.Runtime.Helper", (string?)null, 0, 2), ("App.Store.Add", "/src/Store.cs", 12, 1)],
            origins.Sites.Select(s => (s.Function, s.File, s.Line, s.Samples)));
        Assert.Equal(Math.Round(Weight(40) + Weight(56)), origins.Sites[0].Objects);
    }

    [Fact]
    public void A_type_counts_only_its_own_sampled_instances_and_a_plain_snapshot_has_no_answer()
    {
        var snapshot = SnapshotSections.WithSites(SnapshotSections.Small());
        // Type 0 (App.Cache) is objects 0 and 3; only 0 was sampled.
        var origins = AllocationAttribution.OfType(snapshot, 0)!;
        Assert.Equal(1, origins.Samples);
        Assert.Equal(Math.Round(Weight(24)), origins.Objects);
        Assert.Equal("App.Store.Add", Assert.Single(origins.Sites).Function);
        // Type 1 (App.Node) is objects 1 and 4: 4 sampled. Type 2: objects 2 and 5: 2 sampled.
        Assert.Equal(1, AllocationAttribution.OfType(snapshot, 1)!.Samples);
        Assert.Null(AllocationAttribution.OfType(SnapshotSections.Small(), 0));
    }

    // Seven objects of 16 + 8i bytes, no references; with a period of one byte each sample is one object.
    private static HeapLens.Snapshots.HeapSnapshot Loose() =>
        Build(7, [], Enumerable.Range(0, 7).Select(Strong), sizeOf: i => (uint)(16 + 8 * i));

    [Fact]
    public void A_site_sums_the_bytes_of_its_own_samples_and_a_stack_without_frames_is_no_stack()
    {
        // Site 0 sampled objects 1 and 2 (24 + 32 bytes); site 1 object 3 (40); object 4 (48) has no frames.
        var snapshot = SampledSites.Attach(Loose(), 2, (1, 0), (2, 0), (3, 1), (4, -1));
        var origins = AllocationAttribution.Of(snapshot, n => n != 0)!;

        Assert.Equal((4, 4L, 0L, 24L + 32 + 40 + 48), (origins.Samples, origins.Objects, origins.ObjectsStandardError, origins.Bytes));
        Assert.Equal(3.0, origins.WindowSeconds);
        Assert.Equal(
            [new AllocationSiteShare("App.Site0", "/src/Site0.cs", 10, 2, 24 + 32, 2),
             new AllocationSiteShare("(no stack)", null, 0, 1, 48, 1),
             new AllocationSiteShare("App.Site1", "/src/Site1.cs", 11, 1, 40, 1)],
            origins.Sites);
    }

    [Fact]
    public void Sites_with_as_many_objects_are_listed_by_frame_and_only_the_first_five_are_shown()
    {
        // Six sites of one object each, sampled in reverse order of their frames; object 6 is no member.
        var snapshot = SampledSites.Attach(Loose(), 7, (0, 5), (1, 4), (2, 3), (3, 2), (4, 1), (5, 0), (6, 6));
        var origins = AllocationAttribution.Of(snapshot, n => n < 6)!;

        Assert.Equal(6, origins.Samples);
        Assert.Equal(16L + 24 + 32 + 40 + 48 + 56, origins.Bytes);
        Assert.Equal(AllocationAttribution.SitesShown, origins.Sites.Count);
        Assert.Equal(["App.Site0", "App.Site1", "App.Site2", "App.Site3", "App.Site4"], origins.Sites.Select(s => s.Function));
        Assert.Equal([56L, 48, 40, 32, 24], origins.Sites.Select(s => s.Bytes));
    }
}
