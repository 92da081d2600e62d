using HeapLens.Snapshots;
using Xunit;

namespace HeapLens.Tests.Infrastructure;

/// <summary>Two snapshots hold the same heap: every array and every root, value for value.</summary>
internal static class SnapshotAssert
{
    public static void SameHeap(HeapSnapshot expected, HeapSnapshot actual)
    {
        Assert.Equal(expected.Metadata, actual.Metadata);
        Assert.Equal(expected.TypeNames, actual.TypeNames);
        Assert.Equal(expected.Addresses, actual.Addresses);
        Assert.Equal(expected.Sizes, actual.Sizes);
        Assert.Equal(expected.HugeSizes.OrderBy(p => p.Key), actual.HugeSizes.OrderBy(p => p.Key));
        Assert.Equal(expected.TypeIndex, actual.TypeIndex);
        Assert.Equal(expected.EdgeStart, actual.EdgeStart);
        Assert.Equal(expected.EdgeTargets, actual.EdgeTargets);
        Assert.Equal(expected.Roots.Nodes, actual.Roots.Nodes);
        Assert.Equal(expected.Roots.Kinds, actual.Roots.Kinds);
        Assert.Equal(expected.Roots.NameIndex, actual.Roots.NameIndex);
        Assert.Equal(expected.Roots.Names, actual.Roots.Names);
    }
}
