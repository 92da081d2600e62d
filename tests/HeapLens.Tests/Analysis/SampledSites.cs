using HeapLens.Snapshots;

namespace HeapLens.Tests.Analysis;

/// <summary>
/// Attaches allocation sites to a crafted snapshot with a sampling period of one byte, where every sample
/// stands for exactly one object (weight 1): estimates are then plain counts and sizes a test can add up.
/// Site k is a one-frame stack, function <c>App.Site{k}</c> at <c>/src/Site{k}.cs</c> line 10 + k (its frame
/// index is k); site -1 is a stack without frames.
/// </summary>
internal static class SampledSites
{
    public static HeapSnapshot Attach(HeapSnapshot snapshot, int siteCount, params (int Node, int Site)[] samples)
    {
        var sorted = samples.OrderBy(s => s.Node).ToArray();
        int emptyStack = siteCount;
        int[] stackStart = [.. Enumerable.Range(0, siteCount + 1), siteCount];
        snapshot.Attach(new AllocationSites(new AllocationWindow(3, 1, sorted.Length, sorted.Length, 0),
            sorted.Select(s => s.Node).ToArray(),
            sorted.Select(s => s.Site < 0 ? emptyStack : s.Site).ToArray(),
            stackStart,
            stackFrames: Enumerable.Range(0, siteCount).ToArray(),
            frameFunction: Enumerable.Range(0, siteCount).Select(k => 2 * k).ToArray(),
            frameFile: Enumerable.Range(0, siteCount).Select(k => 2 * k + 1).ToArray(),
            frameLine: Enumerable.Range(0, siteCount).Select(k => 10 + k).ToArray(),
            strings: Enumerable.Range(0, siteCount).SelectMany(k => new[] { $"App.Site{k}", $"/src/Site{k}.cs" }).ToArray()));
        return snapshot;
    }
}
