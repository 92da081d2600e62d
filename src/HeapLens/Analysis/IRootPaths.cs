namespace HeapLens.Analysis;

/// <summary>
/// Shortest reference paths from the strong GC roots (breadth-first, statics first among equally short
/// paths): <see cref="ShortestPaths"/> computes them for every object at once, <see cref="RootPathSearch"/>
/// for one object when asked. Both give the same paths.
/// </summary>
public interface IRootPaths
{
    bool IsReachable(int node);

    /// <summary>The root index (into the snapshot's roots) the shortest path to the node starts from; -1 when none.</summary>
    int RootOf(int node);

    /// <summary>The root of each of <paramref name="nodes"/>, as <see cref="RootOf"/> gives it, in one pass for all.</summary>
    int[] RootsOf(IReadOnlyList<int> nodes);

    /// <summary>The path to <paramref name="node"/> as runs of same-typed objects from the root down (empty when no strong root reaches it), and its root.</summary>
    List<NodeRun> RunsTo(int node, out int root);
}
