using HeapLens.Analysis;
using Xunit;

namespace HeapLens.Tests.Analysis;

public sealed class TypeDiffTests
{
    private static TypeRetention Row(string name, long count, long shallow, long retained) => new(0, name, count, shallow, retained, 1);

    [Fact]
    public void Types_are_matched_by_name_and_a_missing_side_is_zero()
    {
        // Type indices differ between the snapshots on purpose: only names match.
        var changes = TypeDiff.Compute(
            [Row("Kept", 10, 240, 1000), Row("Gone", 3, 72, 72)],
            [Row("New", 2, 48, 96) with { TypeIndex = 7 }, Row("Kept", 4, 96, 1500) with { TypeIndex = 9 }])
            .ToDictionary(c => c.TypeName);

        Assert.Equal(3, changes.Count);
        var kept = changes["Kept"];
        Assert.Equal(new TypeChange("Kept", 10, 4, 240, 96, 1000, 1500), kept);
        Assert.Equal((-6L, -144L, 500L, false, false), (kept.DeltaCount, kept.DeltaShallowBytes, kept.DeltaRetainedBytes, kept.IsNew, kept.Vanished));
        var gone = changes["Gone"];
        Assert.Equal(new TypeChange("Gone", 3, 0, 72, 0, 72, 0), gone);
        Assert.Equal((-3L, -72L, -72L, false, true), (gone.DeltaCount, gone.DeltaShallowBytes, gone.DeltaRetainedBytes, gone.IsNew, gone.Vanished));
        var added = changes["New"];
        Assert.Equal(new TypeChange("New", 0, 2, 0, 48, 0, 96), added);
        Assert.Equal((true, false), (added.IsNew, added.Vanished));
    }

    [Fact]
    public void Names_differing_only_in_case_are_two_types()
    {
        var changes = TypeDiff.Compute([Row("a.Node", 1, 24, 24)], [Row("A.Node", 1, 24, 24)]);
        Assert.Equal([("a.Node", 1L, 0L), ("A.Node", 0, 1)], changes.Select(c => (c.TypeName, c.BaseCount, c.NewCount)));
    }
}
