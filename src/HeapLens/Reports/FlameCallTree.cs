using System.Runtime.InteropServices;
using HeapLens.Profiles;

namespace HeapLens.Reports;

/// <summary>
/// A flame graph's merged call tree as parallel lists (node 0.. in creation order); -1 is the virtual root.
/// Frames are keyed by name, so a diff's two profiles add into one tree, each in its own value lists.
/// </summary>
internal sealed class FlameCallTree
{
    private readonly Dictionary<string, int> _nameIds = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];
    // (parent + 1) << 32 | name: one long key per edge, no string hashing per frame.
    private readonly Dictionary<long, int> _children = [];
    public readonly List<int> Parents = [];
    public readonly List<int> Names = [];
    public readonly List<long> Values = [];
    public readonly List<long> Selfs = [];
    // The base profile's values of a diff (zeros otherwise): the tree is keyed by names, so both profiles share it.
    public readonly List<long> BaseValues = [];
    public readonly List<long> BaseSelfs = [];

    /// <summary>Adds one profile's stacks in one sample type to the given value lists; returns the profile's total.</summary>
    public long Add(Profile profile, ProfileIndex index, int valueIndex, List<long> values, List<long> selfs)
    {
        // Each location's frames as name ids, caller first (inlined frames expand innermost first in pprof).
        var framesOf = new Dictionary<ulong, int[]>(profile.Locations.Count);
        foreach (var location in profile.Locations)
        {
            framesOf[location.Id] = location.Lines.Count == 0
                ? [NameId($"0x{location.Address:x}")]
                : location.Lines.Select(l => NameId(index.Function(l.FunctionId).Name)).Reverse().ToArray();
        }
        // Samples with the same stack merge first: one hash of the stack instead of a tree walk per sample
        // (an allocation profile repeats its stacks many times).
        var stacks = new Dictionary<ulong[], long>(SameStack.Instance);
        long total = 0;
        foreach (var sample in profile.Samples)
        {
            long value = sample.Values[valueIndex];
            if (value == 0)
                continue;
            total += value;
            CollectionsMarshal.GetValueRefOrAddDefault(stacks, sample.LocationIds, out _) += value;
        }
        foreach (var (stack, value) in stacks)
        {
            int node = -1;
            for (int i = stack.Length - 1; i >= 0; i--) // leaf first in pprof; the graph grows from the root
            {
                if (!framesOf.TryGetValue(stack[i], out var frames))
                    throw new HeapLensException($"a sample refers to location {stack[i]}, which the profile does not have");
                foreach (int name in frames)
                {
                    node = Child(node, name);
                    values[node] += value;
                }
            }
            if (node >= 0)
                selfs[node] += value;
        }
        return total;
    }

    public int NameId(string name)
    {
        ref int slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_nameIds, name, out bool exists);
        if (!exists)
        {
            slot = _names.Count;
            _names.Add(name);
        }
        return slot;
    }

    public int Child(int parent, int name)
    {
        ref int slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_children, ((long)(parent + 1) << 32) | (uint)name, out bool exists);
        if (!exists)
        {
            slot = Parents.Count;
            Parents.Add(parent);
            Names.Add(name);
            Values.Add(0);
            Selfs.Add(0);
            BaseValues.Add(0);
            BaseSelfs.Add(0);
        }
        return slot;
    }

    private long Width(int node) => Values[node] + BaseValues[node];

    public List<FlameNode> Preorder(long minValue, bool diff, out long prunedValue, out int prunedNodes)
    {
        var kids = new List<int>?[Parents.Count];
        var roots = new List<int>();
        for (int n = 0; n < Parents.Count; n++)
        {
            int p = Parents[n];
            (p < 0 ? roots : (kids[p] ??= [])).Add(n);
        }
        prunedValue = 0;
        prunedNodes = 0;
        var result = new List<FlameNode>();
        var work = new Stack<(int Node, int Parent, int Depth)>();
        PushKept(roots, -1, 0, work, minValue, ref prunedValue, ref prunedNodes);
        while (work.Count > 0)
        {
            var (node, parent, depth) = work.Pop();
            int index = result.Count;
            result.Add(diff
                ? new FlameNode(_names[Names[node]], parent, depth, Values[node], Selfs[node], BaseValues[node], Values[node] - BaseValues[node])
                : new FlameNode(_names[Names[node]], parent, depth, Values[node], Selfs[node]));
            if (kids[node] is { } children)
                PushKept(children, index, depth + 1, work, minValue, ref prunedValue, ref prunedNodes);
        }
        return result;
    }

    // Pushed smallest first so the biggest pops first; what is too narrow is counted, not shown.
    private void PushKept(List<int> children, int parentIndex, int depth, Stack<(int, int, int)> work,
        long minValue, ref long prunedValue, ref int prunedNodes)
    {
        children.Sort((a, b) =>
        {
            int byValue = Width(a).CompareTo(Width(b));
            return byValue != 0 ? byValue : string.CompareOrdinal(_names[Names[b]], _names[Names[a]]);
        });
        foreach (int child in children)
        {
            if (Width(child) < minValue || Width(child) == 0)
            {
                prunedValue += Width(child);
                prunedNodes++;
            }
            else
            {
                work.Push((child, parentIndex, depth));
            }
        }
    }

    // Stacks compared by their location ids, hashed as bytes.
    private sealed class SameStack : IEqualityComparer<ulong[]>
    {
        public static readonly SameStack Instance = new();

        public bool Equals(ulong[]? x, ulong[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(ulong[] stack)
        {
            var hash = new HashCode();
            hash.AddBytes(MemoryMarshal.AsBytes(stack.AsSpan()));
            return hash.ToHashCode();
        }
    }
}
