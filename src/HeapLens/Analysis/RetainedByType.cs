using System.Runtime.CompilerServices;
using HeapLens.Snapshots;

namespace HeapLens.Analysis;

/// <summary>What the instances of one type hold.</summary>
/// <param name="Count">All instances, reachable or not.</param>
/// <param name="ShallowBytes">The instances' own sizes.</param>
/// <param name="RetainedBytes">
/// The sum of the retained sizes of the top-level instances: those with no other instance of the
/// type among their dominators (plus the own size of unreachable instances). Exact for what
/// those instances dominate; a lower bound of what removing every instance would free, since
/// objects held jointly by two instances are dominated by neither.
/// </param>
/// <param name="TopLevelCount">How many instances are top-level.</param>
public readonly record struct TypeRetention(
    int TypeIndex, string TypeName, long Count, long ShallowBytes, long RetainedBytes, long TopLevelCount);

/// <summary>
/// Retained size per type. Summing every instance's retained size would count a linked list of
/// Node n times over; only instances not dominated by another instance of the same type count.
/// </summary>
public static class RetainedByType
{
    private const int PrefetchDistance = 16;

    /// <summary>One row per type with at least one instance, biggest retained size first (then by name).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static IReadOnlyList<TypeRetention> Compute(HeapSnapshot snapshot, DominatorTree tree)
    {
        if (tree.NodeCount != snapshot.NodeCount)
            throw new ArgumentException("The dominator tree belongs to another snapshot.", nameof(tree));

        int typeCount = snapshot.TypeNames.Length;
        int[] typeIndex = snapshot.TypeIndex;
        var count = new long[typeCount];
        var shallow = new long[typeCount];
        var retained = new long[typeCount];
        var topLevel = new long[typeCount];

        for (int node = 0; node < typeIndex.Length; node++)
        {
            int type = typeIndex[node];
            long size = snapshot.SizeOf(node);
            count[type]++;
            shallow[type] += size;
            if (!tree.IsReachable(node))
            {
                retained[type] += size;
                topLevel[type]++;
            }
        }

        // In the dominator tree's preorder every subtree is a contiguous range, so a node lies under
        // an instance of its type exactly when its position is inside the range of the last
        // top-level instance of that type seen so far (ranges of one type nest or are disjoint).
        var coveredUntil = new int[typeCount];
        int[] preorder = tree.Preorder;
        int[] subtreeSize = tree.SubtreeSize;
        long[] retainedSize = tree.RetainedSize;
        for (int position = 0; position < preorder.Length; position++)
        {
            CacheHint.Prefetch(typeIndex, position + PrefetchDistance < preorder.Length ? preorder[position + PrefetchDistance] : 0);
            int node = preorder[position];
            int type = typeIndex[node];
            if (position < coveredUntil[type])
                continue;
            coveredUntil[type] = position + subtreeSize[position];
            retained[type] += retainedSize[node];
            topLevel[type]++;
        }

        var rows = new List<TypeRetention>();
        for (int type = 0; type < typeCount; type++)
        {
            if (count[type] > 0)
                rows.Add(new TypeRetention(type, snapshot.TypeNames[type], count[type], shallow[type], retained[type], topLevel[type]));
        }
        rows.Sort((a, b) =>
        {
            int byRetained = b.RetainedBytes.CompareTo(a.RetainedBytes);
            return byRetained != 0 ? byRetained : string.CompareOrdinal(a.TypeName, b.TypeName);
        });
        return rows;
    }
}
