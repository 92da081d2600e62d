using HeapLens.Snapshots;

namespace HeapLens.Tests.Analysis;

/// <summary>Builds small HeapSnapshots from edge lists for the analysis tests; <c>rootNames</c> names roots by position (null: unnamed).</summary>
internal static class TestGraph
{
    public static HeapSnapshot Build(
        int nodeCount,
        IEnumerable<(int From, int To)> edges,
        IEnumerable<(int Node, RootKind Kind)> roots,
        Func<int, uint>? sizeOf = null,
        Func<int, int>? typeOf = null,
        string[]? typeNames = null,
        Dictionary<int, long>? hugeSizes = null,
        string?[]? rootNames = null,
        SnapshotMetadata? metadata = null)
    {
        var edgeList = edges.ToList();
        var edgeStart = new int[nodeCount + 1];
        foreach (var (from, _) in edgeList)
            edgeStart[from + 1]++;
        for (int i = 0; i < nodeCount; i++)
            edgeStart[i + 1] += edgeStart[i];
        var edgeTargets = new int[edgeList.Count];
        var cursor = edgeStart[..nodeCount];
        foreach (var (from, to) in edgeList)
            edgeTargets[cursor[from]++] = to;

        var rootList = roots.ToList();
        var heapRoots = new HeapRoots(
            rootList.Select(r => r.Node).ToArray(),
            rootList.Select(r => r.Kind).ToArray(),
            Enumerable.Range(0, rootList.Count).Select(r => rootNames?[r] is null ? -1 : r).ToArray(),
            rootNames?.Select(n => n ?? "").ToArray() ?? []);

        var sizes = new uint[nodeCount];
        var types = new int[nodeCount];
        for (int i = 0; i < nodeCount; i++)
        {
            sizes[i] = sizeOf?.Invoke(i) ?? 24;
            types[i] = typeOf?.Invoke(i) ?? 0;
        }
        typeNames ??= Enumerable.Range(0, types.DefaultIfEmpty().Max() + 1).Select(t => $"Type{t}").ToArray();
        var addresses = Enumerable.Range(0, nodeCount).Select(i => 0x1000UL + (ulong)i * 64).ToArray();
        return new HeapSnapshot(metadata ?? new SnapshotMetadata(), typeNames, addresses, sizes, hugeSizes, types, edgeStart, edgeTargets, heapRoots);
    }

    public static (int, RootKind) Strong(int node) => (node, RootKind.Static);

    public static (int, RootKind) Weak(int node) => (node, RootKind.WeakHandle);
}
