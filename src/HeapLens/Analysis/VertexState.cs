namespace HeapLens.Analysis;

/// <summary>
/// What Semi-NCA keeps per DFS number, interleaved so that one cache miss brings in everything
/// one step touches (accesses are random on big heaps). Fields change meaning by phase. The DFS
/// writes the narrower <see cref="DfsEntry"/> in the same memory; the semidominator pass widens it.
/// </summary>
internal struct VertexState
{
    /// <summary>DFS parent; then the link in the path-compressed forest.</summary>
    public int Ancestor;

    /// <summary>The vertex's semidominator.</summary>
    public int Semi;

    /// <summary>The vertex with the smallest semidominator on its compressed path (first itself).</summary>
    public int Label;

    /// <summary>Its DFS parent; then the immediate dominator's DFS number.</summary>
    public int Idom;
}

/// <summary>
/// What the DFS keeps per DFS number (12 bytes; <see cref="VertexState"/> minus the fields whose
/// starting values are known once the walk is done).
/// </summary>
internal struct DfsEntry
{
    /// <summary>DFS parent.</summary>
    public int Ancestor;

    /// <summary>While the DFS is in the vertex: the next edge to scan. Once it is finished: the smallest predecessor numbered below it.</summary>
    public int Semi;

    /// <summary>While the DFS is in the vertex: its edges' end.</summary>
    public int End;
}
