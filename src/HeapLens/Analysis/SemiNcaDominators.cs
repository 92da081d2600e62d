using System.Runtime.CompilerServices;
using HeapLens.Snapshots;

namespace HeapLens.Analysis;

/// <summary>
/// Immediate dominators of a heap graph by the Semi-NCA algorithm (Georgiadis 2005; the variant
/// LLVM uses): semidominators as in Lengauer-Tarjan with simple path compression, then each
/// immediate dominator as the nearest common ancestor of the semidominator and the DFS parent.
/// It is near-linear and, unlike Cooper-Harvey-Kennedy iteration, needs a single pass over the
/// edges however deep and cyclic the graph is.
///
/// Vertices are numbered in DFS preorder: 0 is the synthetic root whose successors are the
/// strong GC roots, 1..count-1 the reachable objects. Everything is iterative and lives in
/// a handful of flat arrays; nothing is allocated per node. The per-vertex state is native
/// memory the caller frees as soon as it is done with it.
///
/// The textbook algorithm evaluates every predecessor of every vertex, which needs the reversed
/// graph (as big as the graph) and random accesses per edge. But a predecessor v numbered below
/// w contributes just v itself, so the DFS settles those on the fly (tree and forward edges)
/// and only the edges going "up" in the numbering (back and cross edges, typically a small
/// minority) are kept for the semidominator pass.
/// </summary>
internal static unsafe class SemiNcaDominators
{
    private const int PrefetchDistance = 8;

    /// <summary>Dominators in DFS-number space, as <see cref="DominatorTree"/> needs them.</summary>
    /// <param name="Number">Per node: its DFS number, 0 when no strong root reaches it.</param>
    /// <param name="State">
    /// Per DFS number v in 0..Count-1: State[v].Idom is the DFS number of v's immediate dominator
    /// (0: the synthetic root), always below v. The other fields are free for the caller's use.
    /// Native memory: the caller disposes the result (or takes the state over) when done.
    /// </param>
    /// <param name="Count">Reachable nodes plus one (the synthetic root).</param>
    internal readonly record struct Result(int[] Number, NativeArray<VertexState> State, int Count) : IDisposable
    {
        public void Dispose() => State.Dispose();
    }

    /// <summary>Numbers, semidominators and immediate dominators of the snapshot's reachable nodes.</summary>
    /// <remarks>
    /// Memory per object: the DFS numbers (4 bytes, the caller's idom array later), the walk's
    /// 12 bytes of state and its 4-byte first-target table; then, the table freed, the state widened
    /// in place to 16 bytes. So no phase needs more than 20 bytes per object, plus 8 per up edge.
    /// </remarks>
    public static Result Compute(HeapSnapshot snapshot, CancellationToken cancellation)
    {
        int nodeCount = snapshot.NodeCount;
        var number = new int[nodeCount];
        // Sized for the 16-byte state, but the walk writes 12-byte entries: only those pages are
        // touched (resident) until the semidominator pass widens the entries in place.
        var state = new NativeArray<VertexState>(nodeCount + 1);
        try
        {
            var upEdges = new UpEdges();
            int count = DepthFirstNumbering.Run(snapshot, number, (DfsEntry*)state.Pointer, upEdges);
            cancellation.ThrowIfCancellationRequested();

            var up = upEdges.SortByTarget();
            ComputeSemidominators(state.Pointer, up, count);
            cancellation.ThrowIfCancellationRequested();

            ComputeImmediateDominators(state.Pointer, count);
            return new Result(number, state, count);
        }
        catch
        {
            state.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reverse preorder: when w is processed, every vertex numbered above w is "linked". The up edges
    /// into w are the last of <paramref name="up"/> (sorted by target) not yet taken.
    ///
    /// The state arrives as the walk left it, 12-byte <see cref="DfsEntry"/> records at the start of
    /// memory sized for 16-byte <see cref="VertexState"/>s: each vertex is widened when the pass reaches it (Label
    /// starts as the vertex itself, Idom as its DFS parent). Going down, a widened entry only ever
    /// overwrites the old records of vertices above it, which are widened already, and Eval only
    /// touches linked vertices; widening here saves a pass over the whole state.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ComputeSemidominators(VertexState* state, ReadOnlySpan<long> up, int count)
    {
        var walked = (DfsEntry*)state;
        var compressionStack = new IntStack(64);
        int p = up.Length - 1;
        for (int w = count - 1; w >= 1; w--)
        {
            DfsEntry entry = walked[w];
            int semi = entry.Semi; // the smallest lower-numbered predecessor, from the DFS
            // Backwards, so that p runs down through the whole array and the upcoming
            // predecessors can be prefetched a few evaluations ahead.
            for (; p >= 0 && UpEdges.Target(up[p]) == w; p--)
            {
                CacheHint.Prefetch(state + (p >= PrefetchDistance ? UpEdges.Source(up[p - PrefetchDistance]) : 0));
                int candidate = state[Eval(state, UpEdges.Source(up[p]), w + 1, ref compressionStack)].Semi;
                if (candidate < semi)
                    semi = candidate;
            }
            state[w] = new VertexState { Ancestor = entry.Ancestor, Semi = semi, Label = w, Idom = entry.Ancestor };
        }
        state[0] = new VertexState { Ancestor = 0, Semi = 0, Label = 0, Idom = 0 };
    }

    /// <summary>
    /// For a predecessor v numbered above the vertex being processed (so v is linked): the vertex
    /// of minimal semidominator on v's path in the linked forest. Compresses that path
    /// (iteratively: the path can be millions of vertices long).
    /// </summary>
    private static int Eval(VertexState* state, int v, int lastLinked, ref IntStack stack)
    {
        if (state[v].Ancestor < lastLinked)
            return state[v].Label;

        do
        {
            stack.Push(v);
            v = state[v].Ancestor;
        } while (state[v].Ancestor >= lastLinked);

        // v is now the topmost linked vertex of the path; push its ancestor and best label down.
        int parent = v;
        int parentLabel = state[parent].Label;
        int parentLabelSemi = state[parentLabel].Semi;
        do
        {
            v = stack.Pop();
            ref VertexState s = ref state[v];
            s.Ancestor = state[parent].Ancestor;
            int label = s.Label;
            int labelSemi = state[label].Semi;
            if (parentLabelSemi < labelSemi)
            {
                s.Label = parentLabel;
            }
            else
            {
                parentLabel = label;
                parentLabelSemi = labelSemi;
            }
            parent = v;
        } while (stack.Count > 0);
        return state[v].Label;
    }

    /// <summary>
    /// idom(w) = the nearest common ancestor, in the dominator tree built so far, of w's DFS parent
    /// and its semidominator: climb from the parent until at or above the semidominator. Preorder
    /// guarantees every vertex above w is final.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ComputeImmediateDominators(VertexState* state, int count)
    {
        state[0].Idom = 0;
        for (int w = 1; w < count; w++)
        {
            int semi = state[w].Semi;
            int candidate = state[w].Idom;
            while (candidate > semi)
                candidate = state[candidate].Idom;
            state[w].Idom = candidate;
        }
    }
}
