using HeapLens.Analysis;
using HeapLens.Snapshots;

namespace HeapLens.Reports;

/// <summary>
/// One step of a path from a GC root, or a run of consecutive objects of one type along it
/// ("Fixture.Node x 999,999"). <see cref="Address"/> and <see cref="RetainedBytes"/> are the first
/// object's (nearest the root); the Last* fields the run's last object, when it has more than one.
/// A path too long to show whole keeps its two ends, with one <see cref="Elided"/> segment counting
/// the objects left out between them.
/// </summary>
public sealed record PathSegment(
    string? Type,
    int Count,
    string? Address = null,
    long? RetainedBytes = null,
    string? LastAddress = null,
    long? LastRetainedBytes = null,
    bool? Elided = null);

public static class PathSegments
{
    /// <summary>Segments kept at each end of a path with more runs than <see cref="MaxSegments"/>.</summary>
    public const int KeptAtEachEnd = 12;

    public const int MaxSegments = 2 * KeptAtEachEnd + 1;

    /// <summary>The runs of a path as segments with addresses and retained sizes, bounded in number.</summary>
    public static IReadOnlyList<PathSegment> Of(HeapSnapshot snapshot, DominatorTree tree, IReadOnlyList<NodeRun> runs) =>
        Bounded(runs, run => run.Count == 1
            ? new PathSegment(snapshot.TypeNames[run.TypeIndex], 1, Hex(snapshot, run.First), tree.RetainedSize[run.First])
            : new PathSegment(snapshot.TypeNames[run.TypeIndex], run.Count, Hex(snapshot, run.First), tree.RetainedSize[run.First],
                Hex(snapshot, run.Last), tree.RetainedSize[run.Last]));

    /// <summary>The runs of a path as types and counts only: what stays comparable between two snapshots.</summary>
    public static IReadOnlyList<PathSegment> TypesOf(HeapSnapshot snapshot, IReadOnlyList<NodeRun> runs) =>
        Bounded(runs, run => new PathSegment(snapshot.TypeNames[run.TypeIndex], run.Count));

    /// <summary>The number of objects on a path of runs.</summary>
    public static long Length(IReadOnlyList<NodeRun> runs)
    {
        long length = 0;
        foreach (var run in runs)
            length += run.Count;
        return length;
    }

    public static string Hex(HeapSnapshot snapshot, int node) => $"0x{snapshot.AddressOf(node):x}";

    private static List<PathSegment> Bounded(IReadOnlyList<NodeRun> runs, Func<NodeRun, PathSegment> segment)
    {
        if (runs.Count <= MaxSegments)
            return runs.Select(segment).ToList();
        var result = new List<PathSegment>(MaxSegments);
        for (int i = 0; i < KeptAtEachEnd; i++)
            result.Add(segment(runs[i]));
        int left = 0;
        for (int i = KeptAtEachEnd; i < runs.Count - KeptAtEachEnd; i++)
            left += runs[i].Count;
        result.Add(new PathSegment(null, left, Elided: true));
        for (int i = runs.Count - KeptAtEachEnd; i < runs.Count; i++)
            result.Add(segment(runs[i]));
        return result;
    }
}
