namespace HeapLens.Snapshots;

/// <summary>
/// Receives a graph's references while <see cref="HeapGraphBuilder.BuildGraph"/> resolves them, in the snapshot's
/// order (node by node: each node's own references, then the values its dependent handles keep alive), as node
/// indices a run at a time. A capture that writes a file compresses them here while the rest is still being
/// resolved, instead of reading them back from the finished snapshot.
/// </summary>
public interface IResolvedReferenceSink
{
    /// <summary>References from[i] → to[i], in order; the spans are only valid during the call.</summary>
    void Add(ReadOnlySpan<int> from, ReadOnlySpan<int> to);

    /// <summary>Every reference has been added.</summary>
    void Complete();
}
