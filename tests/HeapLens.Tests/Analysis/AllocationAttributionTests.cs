using HeapLens.Analysis;
using HeapLens.Tests.Hostile;
using Xunit;

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
}
