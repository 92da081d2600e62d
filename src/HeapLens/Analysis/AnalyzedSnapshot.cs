using HeapLens.Snapshots;

namespace HeapLens.Analysis;

/// <summary>
/// A snapshot with what every retained-size report needs, each part computed once on first use and
/// then shared: the dominator tree, the search for shortest paths from the roots, the root labels and the
/// retained size per type. One per loaded snapshot, for the CLI, the web UI and the endpoints alike.
/// </summary>
public sealed class AnalyzedSnapshot
{
    private readonly Lazy<RootPathSearch> _pathSearch;
    private readonly Lazy<RootLabels> _roots;
    private readonly Lazy<IReadOnlyList<TypeRetention>> _types;

    public AnalyzedSnapshot(HeapSnapshot snapshot, DominatorTree tree)
    {
        if (tree.NodeCount != snapshot.NodeCount)
            throw new ArgumentException("The dominator tree belongs to another snapshot.", nameof(tree));
        Snapshot = snapshot;
        Tree = tree;
        _pathSearch = new Lazy<RootPathSearch>(() => new RootPathSearch(snapshot, tree));
        _roots = new Lazy<RootLabels>(() => new RootLabels(snapshot));
        _types = new Lazy<IReadOnlyList<TypeRetention>>(() => RetainedByType.Compute(snapshot, tree));
    }

    public static AnalyzedSnapshot Analyze(HeapSnapshot snapshot) => new(snapshot, DominatorTree.Compute(snapshot));

    public HeapSnapshot Snapshot { get; }

    public DominatorTree Tree { get; }

    /// <summary>
    /// Shortest paths from the GC roots, searched when asked and kept for none (for `paths`, for naming what
    /// holds a suspect, and in one pass for every retainer of a diff): <see cref="ShortestPaths"/> would keep
    /// two ints per object for as long as the snapshot is loaded.
    /// </summary>
    public IRootPaths PathSearch => _pathSearch.Value;

    public RootLabels Roots => _roots.Value;

    /// <summary>Retained size per type, biggest first.</summary>
    public IReadOnlyList<TypeRetention> Types => _types.Value;

    // Deconstruction keeps the callers written for the older (snapshot, tree) pair short.
    public void Deconstruct(out HeapSnapshot snapshot, out DominatorTree tree)
    {
        snapshot = Snapshot;
        tree = Tree;
    }
}
