using System.Runtime.InteropServices;
using HeapLens.Profiles;

namespace HeapLens.Reports;

/// <summary>
/// One box of a flame graph: a function called along one path from the roots of the stacks.
/// </summary>
/// <param name="Parent">The index of the caller's box in <see cref="FlameGraphReport.Nodes"/>, -1 for a root.</param>
/// <param name="Value">What this call path and everything it calls account for (the box's width).</param>
/// <param name="Self">What this call path accounts for as the leaf.</param>
public sealed record FlameNode(string Name, int Parent, int Depth, long Value, long Self);

/// <summary>
/// A profile's stacks merged into a call tree (root first), for a flame graph (icicle) in one sample type.
/// Boxes narrower than <see cref="MinShare"/> of the total are left out (with their callees) and counted in
/// <see cref="PrunedValue"/> (<see cref="PrunedNodes"/> counts the boxes cut, not their callees): a million samples turn into the few thousand boxes a screen can show.
/// </summary>
/// <param name="SampleTypes">Every sample type of the profile, what a viewer can switch to.</param>
/// <param name="Nodes">In preorder, callees biggest first, so each box's children follow it.</param>
public sealed record FlameGraphReport(
    string File,
    string SampleType,
    string Unit,
    IReadOnlyList<string> SampleTypes,
    long Total,
    double MinShare,
    long PrunedValue,
    int PrunedNodes,
    IReadOnlyList<FlameNode> Nodes)
{
    /// <summary>One pixel of a 2000-pixel-wide graph.</summary>
    public const double DefaultMinShare = 1.0 / 2000;

    public static FlameGraphReport Create(string file, Profile profile, string? sampleType, double minShare = DefaultMinShare)
    {
        if (!(minShare >= 0 && minShare < 1))
            throw new HeapLensException($"the smallest share shown must be in [0, 1), not {minShare}");
        var index = new ProfileIndex(profile);
        int valueIndex = index.ValueIndex(sampleType);
        var tree = new CallTree();
        // Each location's frames as name ids, caller first (inlined frames expand innermost first in pprof).
        var framesOf = new Dictionary<ulong, int[]>(profile.Locations.Count);
        foreach (var location in profile.Locations)
        {
            framesOf[location.Id] = location.Lines.Count == 0
                ? [tree.NameId($"0x{location.Address:x}")]
                : location.Lines.Select(l => tree.NameId(index.Function(l.FunctionId).Name)).Reverse().ToArray();
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
                    node = tree.Child(node, name);
                    tree.Values[node] += value;
                }
            }
            if (node >= 0)
                tree.Selfs[node] += value;
        }
        long minValue = (long)Math.Ceiling(total * minShare);
        var nodes = tree.Preorder(minValue, out long prunedValue, out int prunedNodes);
        var type = profile.SampleTypes[valueIndex];
        return new FlameGraphReport(file, type.Type, type.Unit, profile.SampleTypes.Select(t => t.Type).ToList(),
            total, minShare, prunedValue, prunedNodes, nodes);
    }

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

    /// <summary>The merged call tree as parallel lists (node 0.. in creation order); -1 is the virtual root.</summary>
    private sealed class CallTree
    {
        private readonly Dictionary<string, int> _nameIds = new(StringComparer.Ordinal);
        private readonly List<string> _names = [];
        // (parent + 1) << 32 | name: one long key per edge, no string hashing per frame.
        private readonly Dictionary<long, int> _children = [];
        public readonly List<int> Parents = [];
        public readonly List<int> Names = [];
        public readonly List<long> Values = [];
        public readonly List<long> Selfs = [];

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
            }
            return slot;
        }

        public List<FlameNode> Preorder(long minValue, out long prunedValue, out int prunedNodes)
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
                result.Add(new FlameNode(_names[Names[node]], parent, depth, Values[node], Selfs[node]));
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
                int byValue = Values[a].CompareTo(Values[b]);
                return byValue != 0 ? byValue : string.CompareOrdinal(_names[Names[b]], _names[Names[a]]);
            });
            foreach (int child in children)
            {
                if (Values[child] < minValue || Values[child] == 0)
                {
                    prunedValue += Values[child];
                    prunedNodes++;
                }
                else
                {
                    work.Push((child, parentIndex, depth));
                }
            }
        }
    }
}
