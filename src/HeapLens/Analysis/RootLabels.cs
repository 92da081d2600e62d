using HeapLens.Snapshots;

namespace HeapLens.Analysis;

/// <summary>How a GC root holds an object, in words: "static Fixture.Holder.s_items", "stack", ...</summary>
public readonly record struct RootLabel(RootKind Kind, string? Name)
{
    public override string ToString() => Name is null ? Kind.Describe() : $"{Kind.Describe()} {Name}";
}

/// <summary>
/// The most telling root of each rooted object. An object can be held by several roots; a named
/// static says most about why it is alive, a weak handle least (it does not keep it alive at all).
/// </summary>
public sealed class RootLabels
{
    private readonly Dictionary<int, int> _bestRootOfNode = [];
    private readonly HeapRoots _roots;

    public RootLabels(HeapSnapshot snapshot)
    {
        _roots = snapshot.Roots;
        for (int r = 0; r < _roots.Count; r++)
        {
            int node = _roots.Nodes[r];
            if (!_bestRootOfNode.TryGetValue(node, out int best) || Rank(r) > Rank(best))
                _bestRootOfNode[node] = r;
        }
    }

    public bool IsRoot(int node) => _bestRootOfNode.ContainsKey(node);

    /// <summary>The best label of a rooted object, or null when no root holds it directly.</summary>
    public RootLabel? Of(int node) =>
        _bestRootOfNode.TryGetValue(node, out int r) ? new RootLabel(_roots.Kinds[r], _roots.NameOf(r)) : null;

    private int Rank(int root) => _roots.Kinds[root] switch
    {
        RootKind.Static => 100,
        RootKind.StrongHandle or RootKind.PinnedHandle or RootKind.AsyncPinnedHandle or RootKind.SizedRefHandle => 50,
        RootKind.Stack => 40,
        RootKind.RefCountedHandle or RootKind.DependentHandle => 30,
        RootKind.FinalizerQueue => 20,
        RootKind.WeakHandle => 0,
        _ => 10,
    } + (_roots.NameOf(root) is null ? 0 : 1);
}
