namespace HeapLens.Analysis;

/// <summary>
/// What Semi-NCA keeps per DFS number, interleaved so that one cache miss brings in everything
/// one step touches (accesses are random on big heaps). Fields change meaning by phase.
/// </summary>
internal struct VertexState
{
    /// <summary>DFS parent; then the link in the path-compressed forest.</summary>
    public int Ancestor;

    /// <summary>
    /// While the DFS is in the vertex: the next edge to scan. Once it is finished: the smallest
    /// predecessor numbered below it (its parent or a forward edge's source). Then its semidominator.
    /// </summary>
    public int Semi;

    /// <summary>While the DFS is in the vertex: its edges' end. Then the vertex with the smallest semidominator on its compressed path (first itself).</summary>
    public int Label;

    /// <summary>Once the DFS is done with the vertex: its DFS parent; then the immediate dominator's DFS number.</summary>
    public int Idom;
}
