using HeapLens.Analysis;
using Xunit;
using static HeapLens.Tests.Analysis.TestGraph;

namespace HeapLens.Tests.Analysis;

/// <summary>The depth-first numbering refuses references past the node table with one exact line.</summary>
public sealed class CorruptGraphTests
{
    [Theory]
    [InlineData(2)] // one past the last object
    [InlineData(5)]
    public void A_root_naming_an_object_past_the_end_is_refused(int target)
    {
        var snapshot = Build(2, [(0, 1)], [Strong(0), Strong(target)]);

        Assert.Equal($"The snapshot is corrupt: GC root 1 refers to object {target}, but there are only 2 objects.",
            Assert.Throws<HeapLensException>(() => DominatorTree.Compute(snapshot)).Message);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(-1)]
    public void A_reference_past_the_end_is_refused(int target)
    {
        var snapshot = Build(2, [(0, 1), (1, target)], [Strong(0)]);

        Assert.Equal($"The snapshot is corrupt: a reference points to object {target}, but there are only 2 objects.",
            Assert.Throws<HeapLensException>(() => DominatorTree.Compute(snapshot)).Message);
    }
}
