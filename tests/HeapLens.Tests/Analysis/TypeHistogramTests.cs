using HeapLens.Analysis;
using Xunit;
using static HeapLens.Tests.Analysis.TestGraph;

namespace HeapLens.Tests.Analysis;

public sealed class TypeHistogramTests
{
    [Fact]
    public void Each_type_with_instances_counts_them_and_their_own_bytes_huge_sizes_included()
    {
        // Types B (0): 0 and 3; unused (1); A (2): 1, 2 and 4, where 4 is a 6 GB array stored as a huge size.
        uint[] sizes = [24, 32, 40, 48, uint.MaxValue];
        var snapshot = Build(5, [], [], sizeOf: i => sizes[i], typeOf: i => i is 0 or 3 ? 0 : 2,
            typeNames: ["B", "Unused", "A"], hugeSizes: new() { [4] = 6L << 30 });

        Assert.Equal([new TypeStatistics(0, "B", 2, 24 + 48), new TypeStatistics(2, "A", 3, 32 + 40 + (6L << 30))],
            TypeHistogram.Compute(snapshot));
    }

    [Fact]
    public void An_empty_snapshot_has_no_rows() =>
        Assert.Empty(TypeHistogram.Compute(Build(0, [], [], typeNames: ["A"])));
}
