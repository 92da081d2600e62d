namespace HeapLens.Analysis;

/// <summary>
/// The edges from a higher to a lower DFS number (back and cross edges), collected during the
/// DFS and then sorted by target: the only predecessors the semidominator pass must evaluate.
/// </summary>
internal sealed class UpEdges
{
    // (target << 32) | source, both DFS numbers.
    private long[] _pairs = new long[1024];
    private int _count;

    public void Add(int target, int source)
    {
        if (_count == _pairs.Length)
            Array.Resize(ref _pairs, checked(_pairs.Length * 2));
        _pairs[_count++] = ((long)target << 32) | (uint)source;
    }

    /// <summary>
    /// The up edges sorted by target, then source: the semidominator pass takes them from the end,
    /// the edges into w just before those into w - 1. Sorting in place needs no per-vertex offsets
    /// (4 bytes per object) on top of the Semi-NCA state; up edges are few on real heaps (a few
    /// hundred on a 20M-object service) and a fifth of the edges on the random benchmark graph.
    /// </summary>
    public ReadOnlySpan<long> SortByTarget()
    {
        var pairs = _pairs.AsSpan(0, _count);
        pairs.Sort();
        return pairs;
    }

    public static int Target(long pair) => (int)(pair >> 32);

    public static int Source(long pair) => (int)pair;
}
