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
/// a handful of flat arrays; nothing is allocated per node.
/// </summary>
internal static class SemiNcaDominators
{
    /// <summary>
    /// Per DFS number, interleaved so that one cache miss brings in everything
    /// <see cref="Eval"/> and the NCA walk touch (the access pattern is random on big heaps).
    /// </summary>
    private struct VertexState
    {
        /// <summary>DFS parent; then the link in the path-compressed forest.</summary>
        public int Ancestor;
        /// <summary>During the DFS: the next edge to scan. Then the semidominator's DFS number.</summary>
        public int Semi;
        /// <summary>The vertex with the smallest semidominator on the compressed path.</summary>
        public int Label;
        /// <summary>DFS parent; then the immediate dominator's DFS number.</summary>
        public int Idom;
    }

    /// <summary>What the dominator computation hands to <see cref="DominatorTree"/>.</summary>
    /// <param name="ImmediateDominator">Per node: a node, or <see cref="DominatorTree.SyntheticRoot"/>, or <see cref="DominatorTree.Unreachable"/>.</param>
    /// <param name="Preorder">Preorder[1..ReachableCount] are the reachable nodes in DFS preorder (Preorder[0] is unused).</param>
    internal readonly record struct Result(int[] ImmediateDominator, int[] Preorder, int ReachableCount);

    public static Result Compute(HeapSnapshot snapshot, CancellationToken cancellation)
    {
        int nodeCount = snapshot.NodeCount;
        // node -> DFS number; 0 means "not reached" (number 0 is the synthetic root, never a node).
        var number = new int[nodeCount];
        var vertex = GC.AllocateUninitializedArray<int>(nodeCount + 1);
        var state = GC.AllocateUninitializedArray<VertexState>(nodeCount + 1);

        int count = NumberDepthFirst(snapshot, number, vertex, state);
        cancellation.ThrowIfCancellationRequested();

        var (predecessorStart, predecessors) = BuildPredecessors(snapshot, number, count);
        cancellation.ThrowIfCancellationRequested();

        ComputeSemidominators(state, predecessorStart, predecessors, count);
        predecessorStart = predecessors = null!;
        cancellation.ThrowIfCancellationRequested();

        ComputeImmediateDominators(state, count);

        // Translate DFS numbers back to nodes, in place: `number` becomes the idom array.
        int[] idom = number;
        for (int node = 0; node < idom.Length; node++)
        {
            int v = idom[node];
            if (v == 0)
            {
                idom[node] = DominatorTree.Unreachable;
                continue;
            }
            int d = state[v].Idom;
            idom[node] = d == 0 ? DominatorTree.SyntheticRoot : vertex[d];
        }
        return new Result(idom, vertex, count - 1);
    }

    /// <summary>
    /// Iterative DFS from the synthetic root. The DFS parent pointers double as the stack and each
    /// vertex's edge cursor is parked in its (not yet used) Semi field, so the walk needs no
    /// memory beyond the arrays the algorithm needs anyway. Returns the number of vertices
    /// including the synthetic root.
    /// </summary>
    private static int NumberDepthFirst(HeapSnapshot snapshot, int[] number, int[] vertex, VertexState[] state)
    {
        int[] edgeStart = snapshot.EdgeStart;
        int[] edgeTargets = snapshot.EdgeTargets;
        int[] rootNodes = snapshot.Roots.Nodes;
        RootKind[] rootKinds = snapshot.Roots.Kinds;
        uint nodeCount = (uint)number.Length;

        vertex[0] = -1;
        state[0] = new VertexState { Ancestor = 0, Semi = 0 };
        int count = 1;
        int current = 0;
        while (true)
        {
            int next = -1;
            ref VertexState cur = ref state[current];
            if (current == 0)
            {
                // The synthetic root's successors: the roots that keep objects alive.
                while (cur.Semi < rootNodes.Length)
                {
                    int r = cur.Semi++;
                    int target = rootNodes[r];
                    if (!rootKinds[r].KeepsAlive())
                        continue;
                    if ((uint)target >= nodeCount)
                        throw new HeapLensException($"The snapshot is corrupt: GC root {r} refers to object {target}, but there are only {nodeCount} objects.");
                    if (number[target] == 0)
                    {
                        next = target;
                        break;
                    }
                }
            }
            else
            {
                int end = edgeStart[vertex[current] + 1];
                int e = cur.Semi;
                while (e < end)
                {
                    int target = edgeTargets[e++];
                    if ((uint)target >= nodeCount)
                        throw new HeapLensException($"The snapshot is corrupt: a reference points to object {target}, but there are only {nodeCount} objects.");
                    if (number[target] == 0)
                    {
                        next = target;
                        break;
                    }
                }
                cur.Semi = e;
            }

            if (next >= 0)
            {
                int v = count++;
                number[next] = v;
                vertex[v] = next;
                state[v].Ancestor = current;
                state[v].Semi = edgeStart[next];
                current = v;
            }
            else if (current == 0)
            {
                return count;
            }
            else
            {
                current = cur.Ancestor;
            }
        }
    }

    /// <summary>
    /// Predecessor lists in DFS-number space (CSR), over reachable vertices only; the synthetic
    /// root (0) precedes every strong root. Scans nodes in storage order so the edge arrays are
    /// read sequentially. Duplicate edges and self-loops are kept: they do not change the result.
    /// </summary>
    private static (int[] Start, int[] Predecessors) BuildPredecessors(HeapSnapshot snapshot, int[] number, int count)
    {
        int[] edgeStart = snapshot.EdgeStart;
        int[] edgeTargets = snapshot.EdgeTargets;
        int[] rootNodes = snapshot.Roots.Nodes;
        RootKind[] rootKinds = snapshot.Roots.Kinds;

        // Count, turn counts into end offsets, then fill backwards: each start[v] ends at v's first slot.
        var start = new int[count + 1];
        for (int r = 0; r < rootNodes.Length; r++)
        {
            if (rootKinds[r].KeepsAlive())
                start[number[rootNodes[r]]]++;
        }
        for (int node = 0; node < number.Length; node++)
        {
            if (number[node] == 0)
                continue;
            for (int e = edgeStart[node], end = edgeStart[node + 1]; e < end; e++)
                start[number[edgeTargets[e]]]++;
        }
        int total = 0;
        for (int v = 0; v < count; v++)
        {
            total = checked(total + start[v]);
            start[v] = total;
        }
        start[count] = total;

        var predecessors = GC.AllocateUninitializedArray<int>(total);
        for (int r = 0; r < rootNodes.Length; r++)
        {
            if (rootKinds[r].KeepsAlive())
                predecessors[--start[number[rootNodes[r]]]] = 0;
        }
        for (int node = 0; node < number.Length; node++)
        {
            int source = number[node];
            if (source == 0)
                continue;
            for (int e = edgeStart[node], end = edgeStart[node + 1]; e < end; e++)
                predecessors[--start[number[edgeTargets[e]]]] = source;
        }
        return (start, predecessors);
    }

    private static void ComputeSemidominators(VertexState[] state, int[] predecessorStart, int[] predecessors, int count)
    {
        for (int v = 0; v < count; v++)
        {
            ref VertexState s = ref state[v];
            s.Idom = s.Ancestor;
            s.Semi = v;
            s.Label = v;
        }

        var compressionStack = new IntStack(64);
        // Reverse preorder: when w is processed, every vertex numbered above w is "linked".
        for (int w = count - 1; w >= 1; w--)
        {
            int semi = state[w].Idom; // the DFS parent is always a predecessor
            for (int p = predecessorStart[w], end = predecessorStart[w + 1]; p < end; p++)
            {
                int candidate = state[Eval(state, predecessors[p], w + 1, ref compressionStack)].Semi;
                if (candidate < semi)
                    semi = candidate;
            }
            state[w].Semi = semi;
        }
    }

    /// <summary>
    /// For a predecessor v of the vertex being processed: v itself when v is not linked yet (v &lt; w),
    /// else the vertex of minimal semidominator on v's path in the linked forest. Compresses that
    /// path (iteratively: the path can be millions of vertices long).
    /// </summary>
    private static int Eval(VertexState[] state, int v, int lastLinked, ref IntStack stack)
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
    private static void ComputeImmediateDominators(VertexState[] state, int count)
    {
        for (int w = 1; w < count; w++)
        {
            int semi = state[w].Semi;
            int idom = state[w].Idom;
            while (idom > semi)
                idom = state[idom].Idom;
            state[w].Idom = idom;
        }
    }
}
