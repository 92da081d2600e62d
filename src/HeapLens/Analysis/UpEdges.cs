namespace HeapLens.Analysis;

/// <summary>
/// The edges from a higher to a lower DFS number (back and cross edges), collected during the
/// DFS and then grouped by target: the only predecessors the semidominator pass must evaluate.
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
    /// CSR by target: the sources of edges into w are Sources[Start[w] .. Start[w+1]).
    /// Start has <paramref name="vertexCount"/> + 1 entries. Both live in <paramref name="space"/>
    /// (memory the caller lends) when it is big enough. The collected pairs are released.
    /// </summary>
    public void GroupByTarget(int vertexCount, Span<int> space, out Span<int> start, out Span<int> sources)
    {
        int needed = vertexCount + 1 + _count;
        if (space.Length >= needed)
        {
            start = space[..(vertexCount + 1)];
            sources = space.Slice(vertexCount + 1, _count);
        }
        else
        {
            start = new int[vertexCount + 1];
            sources = GC.AllocateUninitializedArray<int>(_count);
        }
        start.Clear();
        for (int i = 0; i < _count; i++)
            start[(int)(_pairs[i] >> 32)]++;
        // Counts become end offsets; filling backwards leaves each start[w] at w's first slot.
        int total = 0;
        for (int w = 0; w < vertexCount; w++)
        {
            total += start[w];
            start[w] = total;
        }
        start[vertexCount] = total;

        for (int i = _count - 1; i >= 0; i--)
        {
            long pair = _pairs[i];
            sources[--start[(int)(pair >> 32)]] = (int)pair;
        }
        _pairs = [];
        _count = 0;
    }
}
