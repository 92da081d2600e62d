using System.Globalization;
using HeapLens.Analysis;
using HeapLens.DataStructures;

namespace HeapLens.Reports;

/// <summary>
/// The shortest path from a strong GC root to one object, as segments (runs of one type collapsed).
/// <see cref="Length"/> counts the objects on the path; <see cref="Hops"/> is empty when no strong root
/// reaches the object.
/// </summary>
public sealed record ObjectPath(
    string Type,
    string Address,
    long RetainedBytes,
    string? Root,
    bool Reachable,
    long Length,
    IReadOnlyList<PathSegment> Hops);

/// <summary>
/// `paths`: shortest paths from GC roots to the instances of a type that retain the most (then
/// <see cref="Type"/> is that type), or to one object.
/// </summary>
/// <param name="AllocatedAt">Where the type's instances were allocated (a snapshot taken with --allocs); null otherwise.</param>
public sealed record PathsReport(SnapshotHeader Snapshot, string? Type, IReadOnlyList<ObjectPath> Paths, AllocationOrigins? AllocatedAt = null)
{
    /// <summary>Paths to the <paramref name="count"/> instances of the type <paramref name="typeQuery"/> names that retain the most.</summary>
    public static PathsReport ForType(AnalyzedSnapshot analyzed, string typeQuery, int count)
    {
        var snapshot = analyzed.Snapshot;
        int type = TypeLookup.Find(snapshot, typeQuery);
        int[] targets = BiggestInstances(snapshot.TypeIndex, type, analyzed.Tree.RetainedSize, count);
        return new PathsReport(SnapshotHeader.Of(snapshot), snapshot.TypeNames[type], targets.Select(t => PathTo(analyzed, t)).ToList(),
            AllocationAttribution.OfType(snapshot, type));
    }

    /// <summary>The path to the object at <paramref name="address"/>, or a one-line error.</summary>
    public static PathsReport ForAddress(AnalyzedSnapshot analyzed, ulong address)
    {
        var snapshot = analyzed.Snapshot;
        int node = snapshot.FindNode(address);
        if (node < 0)
            throw new HeapLensException($"no object starts at 0x{address.ToString("x", CultureInfo.InvariantCulture)} in this snapshot");
        return new PathsReport(SnapshotHeader.Of(snapshot), null, [PathTo(analyzed, node)]);
    }

    public static ObjectPath PathTo(AnalyzedSnapshot analyzed, int node)
    {
        var (snapshot, tree) = analyzed;
        var paths = analyzed.PathSearch;
        var runs = paths.RunsTo(node, out int root);
        string? rootLabel = root < 0 ? null : new RootLabel(snapshot.Roots.Kinds[root], snapshot.Roots.NameOf(root)).ToString();
        return new ObjectPath(snapshot.TypeNameOf(node), PathSegments.Hex(snapshot, node), tree.RetainedSize[node], rootLabel,
            paths.IsReachable(node), PathSegments.Length(runs), PathSegments.Of(snapshot, tree, runs));
    }

    /// <summary>
    /// The instances retaining the most, ties by node index: one pass with a bounded min-heap, so a
    /// type with ten million instances costs ten million comparisons, not a sort.
    /// </summary>
    internal static int[] BiggestInstances(int[] typeIndex, int type, long[] retained, int count)
    {
        // The heap's top is the smallest kept instance: bigger retained first, then smaller node first.
        var kept = new PriorityQueue<int, (long Retained, int Node)>(Comparer<(long Retained, int Node)>.Create(
            (a, b) => a.Retained != b.Retained ? a.Retained.CompareTo(b.Retained) : b.Node.CompareTo(a.Node)));
        for (int node = 0; node < typeIndex.Length; node++)
        {
            if (typeIndex[node] != type)
                continue;
            if (kept.Count < count)
                kept.Enqueue(node, (retained[node], node));
            else if (kept.TryPeek(out _, out var smallest) && (retained[node] > smallest.Retained))
                kept.EnqueueDequeue(node, (retained[node], node));
        }
        var result = new int[kept.Count];
        for (int i = result.Length - 1; i >= 0; i--)
            result[i] = kept.Dequeue();
        return result;
    }
}
