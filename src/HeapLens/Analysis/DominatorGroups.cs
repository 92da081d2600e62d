using System.Runtime.InteropServices;
using HeapLens.Snapshots;

namespace HeapLens.Analysis;

/// <summary>
/// A row of the grouped dominator tree: the dominated children of one row that share a type are one
/// row, so a dictionary holding a million arrays reads "1,000,000 x System.Byte[]", not a million rows.
/// </summary>
public sealed class DominatorGroup
{
    public required int TypeIndex { get; init; }
    public required string TypeName { get; init; }
    public required int Count { get; init; }
    public required long RetainedBytes { get; init; }
    public required long ShallowBytes { get; init; }
    /// <summary>For a top row held directly by a GC root: how.</summary>
    public RootLabel? Root { get; init; }
    /// <summary>The object, when the row is a single object.</summary>
    public ulong? Address { get; init; }
    public List<DominatorGroup> Children { get; } = [];

    internal int[] Members { get; init; } = [];
}

public static class DominatorGroups
{
    /// <summary>
    /// The tree from the GC roots down to <paramref name="maxDepth"/> levels, rows below
    /// <paramref name="minBytes"/> retained left out, biggest first. Built with an explicit work list
    /// (no recursion), visiting only the rows it keeps and their children.
    /// </summary>
    public static IReadOnlyList<DominatorGroup> Build(HeapSnapshot snapshot, DominatorTree tree, RootLabels roots, int maxDepth, long minBytes)
    {
        var top = Group(snapshot, tree, tree.RootChildren, roots, minBytes);
        var work = new Stack<(DominatorGroup Group, int Depth)>(top.Select(g => (g, 1)));
        while (work.Count > 0)
        {
            var (group, depth) = work.Pop();
            if (depth >= maxDepth)
                continue;
            var children = new List<int>();
            foreach (int member in group.Members)
                children.AddRange(tree.ChildrenOf(member).ToArray());
            group.Children.AddRange(Group(snapshot, tree, children, roots: null, minBytes));
            foreach (var child in group.Children)
                work.Push((child, depth + 1));
        }
        return top;
    }

    /// <summary>
    /// The objects <paramref name="node"/> immediately dominates (null: the GC roots' objects) as one row
    /// per type, biggest first: what the tree explorer shows before a million single rows. Objects held
    /// by a named root stay rows of their own (<see cref="IsGroupMember"/> tells the rest).
    /// </summary>
    public static IReadOnlyList<DominatorGroup> OfChildren(AnalyzedSnapshot analyzed, int? node)
    {
        var tree = analyzed.Tree;
        return node is int parent
            ? SumByType(analyzed.Snapshot, tree, tree.ChildrenOf(parent))
            : Group(analyzed.Snapshot, tree, tree.RootChildren, analyzed.Roots, minBytes: 0);
    }

    // Below the roots no child is held by a root: one pass of sums per type, no member lists (a node
    // with a million children costs a million additions, not a million-entry list per type).
    private static List<DominatorGroup> SumByType(HeapSnapshot snapshot, DominatorTree tree, ReadOnlySpan<int> children)
    {
        var sums = new Dictionary<int, (int Count, long Retained, long Shallow, int First)>();
        long[] retained = tree.RetainedSize;
        foreach (int child in children)
        {
            ref var sum = ref CollectionsMarshal.GetValueRefOrAddDefault(sums, snapshot.TypeIndex[child], out bool seen);
            if (!seen)
                sum.First = child;
            sum.Count++;
            sum.Retained += retained[child];
            sum.Shallow += snapshot.SizeOf(child);
        }
        var result = sums.Select(p => new DominatorGroup
        {
            TypeIndex = p.Key,
            TypeName = snapshot.TypeNames[p.Key],
            Count = p.Value.Count,
            RetainedBytes = p.Value.Retained,
            ShallowBytes = p.Value.Shallow,
            Address = p.Value.Count == 1 ? snapshot.AddressOf(p.Value.First) : null,
            Members = p.Value.Count == 1 ? [p.Value.First] : [],
        }).ToList();
        SortBiggestFirst(result);
        return result;
    }

    private static void SortBiggestFirst(List<DominatorGroup> groups) =>
        groups.Sort((a, b) => b.RetainedBytes != a.RetainedBytes
            ? b.RetainedBytes.CompareTo(a.RetainedBytes)
            : string.CompareOrdinal(a.TypeName, b.TypeName));

    /// <summary>Whether a child of a row belongs to its type's group: of that type and not held by a named root.</summary>
    public static bool IsGroupMember(HeapSnapshot snapshot, RootLabels roots, int node, int typeIndex) =>
        snapshot.TypeIndex[node] == typeIndex && roots.Of(node) is not { Name: not null };

    private static List<DominatorGroup> Group(HeapSnapshot snapshot, DominatorTree tree, IEnumerable<int> nodes, RootLabels? roots, long minBytes)
    {
        // Rooted objects stay apart by root (two static dictionaries are two rows); the rest by type.
        var groups = new Dictionary<(int Type, string? Root), List<int>>();
        // Siblings are mostly of one type (an array's elements): consecutive nodes with the same key
        // reuse the last group without a lookup.
        (int Type, string? Root) lastKey = (-1, null);
        List<int>? last = null;
        foreach (int node in nodes)
        {
            var key = (snapshot.TypeIndex[node], roots?.Of(node) is { Name: not null } label ? label.ToString() : null);
            if (last is null || key != lastKey)
            {
                if (!groups.TryGetValue(key, out last))
                    groups[key] = last = [];
                lastKey = key;
            }
            last.Add(node);
        }
        var result = new List<DominatorGroup>();
        foreach (var ((type, _), members) in groups)
        {
            long retained = 0, shallow = 0;
            foreach (int node in members)
            {
                retained += tree.RetainedSize[node];
                shallow += snapshot.SizeOf(node);
            }
            if (retained < minBytes)
                continue;
            result.Add(new DominatorGroup
            {
                TypeIndex = type,
                TypeName = snapshot.TypeNames[type],
                Count = members.Count,
                RetainedBytes = retained,
                ShallowBytes = shallow,
                Root = members.Count == 1 ? roots?.Of(members[0]) : null,
                Address = members.Count == 1 ? snapshot.AddressOf(members[0]) : null,
                Members = members.ToArray(),
            });
        }
        SortBiggestFirst(result);
        return result;
    }
}
