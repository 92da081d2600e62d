using System.Runtime.InteropServices;
using HeapLens.Profiles;

namespace HeapLens.Reports;

/// <summary>
/// One box of a flame graph: a function called along one path from the roots of the stacks.
/// </summary>
/// <param name="Parent">The index of the caller's box in <see cref="FlameGraphReport.Nodes"/>, -1 for a root.</param>
/// <param name="Value">What this call path and everything it calls account for (the box's width).</param>
/// <param name="Self">What this call path accounts for as the leaf.</param>
/// <param name="BaseValue">In a profile diff only: <paramref name="Value"/> in the base profile (Value is the new one's).</param>
/// <param name="Change">In a profile diff only: Value minus BaseValue, what this call path grew (negative: shrank).</param>
/// <remarks>A diff's box is drawn Value + BaseValue wide (see <see cref="FlameGraphReport.BaseTotal"/>).</remarks>
public sealed record FlameNode(string Name, int Parent, int Depth, long Value, long Self, long? BaseValue = null, long? Change = null);

/// <summary>
/// A profile's stacks merged into a call tree (root first), for a flame graph (icicle) in one sample type.
/// Boxes narrower than <see cref="MinShare"/> of the total are left out (with their callees) and counted in
/// <see cref="PrunedValue"/> (<see cref="PrunedNodes"/> counts the boxes cut, not their callees): a million samples turn into the few thousand boxes a screen can show.
/// </summary>
/// <param name="SampleTypes">Every sample type of the profile, what a viewer can switch to.</param>
/// <param name="Nodes">In preorder, callees biggest first, so each box's children follow it.</param>
/// <param name="BaseFile">In a profile diff only: the base profile; <paramref name="File"/> is then the new one.</param>
/// <param name="BaseTotal">
/// In a profile diff only: the base's total. A diff's boxes are as wide as the base's and the new profile's
/// values together (Total + BaseTotal across), the way Pyroscope's diff flame graph sizes them: a sum nests
/// (a caller is as wide as its callees and its self), which the larger of the two or |change| do not (two
/// callees that swapped sizes would overflow their caller), and vanished and new frames both stay visible.
/// <see cref="MinShare"/> and <see cref="PrunedValue"/> are then of that combined width.
/// </param>
public sealed record FlameGraphReport(
    string File,
    string SampleType,
    string Unit,
    IReadOnlyList<string> SampleTypes,
    long Total,
    double MinShare,
    long PrunedValue,
    int PrunedNodes,
    IReadOnlyList<FlameNode> Nodes,
    string? BaseFile = null,
    long? BaseTotal = null)
{
    /// <summary>One pixel of a 2000-pixel-wide graph.</summary>
    public const double DefaultMinShare = 1.0 / 2000;

    public static FlameGraphReport Create(string file, Profile profile, string? sampleType, double minShare = DefaultMinShare)
    {
        CheckShare(minShare);
        var index = new ProfileIndex(profile);
        int valueIndex = index.ValueIndex(sampleType);
        var tree = new CallTree();
        long total = tree.Add(profile, index, valueIndex, tree.Values, tree.Selfs);
        var nodes = tree.Preorder((long)Math.Ceiling(total * minShare), diff: false, out long prunedValue, out int prunedNodes);
        var type = profile.SampleTypes[valueIndex];
        return new FlameGraphReport(file, type.Type, type.Unit, profile.SampleTypes.Select(t => t.Type).ToList(),
            total, minShare, prunedValue, prunedNodes, nodes);
    }

    /// <summary>
    /// A differential flame graph of two profiles (normalized when the pair is): one tree of both, each box
    /// with the new value, the base value and the change, as wide as both values together.
    /// </summary>
    public static FlameGraphReport Create(ProfilePair pair, string? sampleType, double minShare = DefaultMinShare)
    {
        CheckShare(minShare);
        var newIndex = new ProfileIndex(pair.New);
        int valueIndex = newIndex.ValueIndex(sampleType);
        var type = pair.New.SampleTypes[valueIndex];
        var tree = new CallTree();
        long total = tree.Add(pair.New, newIndex, valueIndex, tree.Values, tree.Selfs);
        long baseTotal = tree.Add(pair.Base, new ProfileIndex(pair.Base), pair.Base.SampleTypeIndex(type.Type), tree.BaseValues, tree.BaseSelfs);
        var nodes = tree.Preorder((long)Math.Ceiling((total + baseTotal) * minShare), diff: true, out long prunedValue, out int prunedNodes);
        return new FlameGraphReport(pair.NewPath, type.Type, type.Unit, pair.New.SampleTypes.Select(t => t.Type).ToList(),
            total, minShare, prunedValue, prunedNodes, nodes, pair.BasePath, baseTotal);
    }

    private static void CheckShare(double minShare)
    {
        if (!(minShare >= 0 && minShare < 1))
            throw new HeapLensException($"the smallest share shown must be in [0, 1), not {minShare}");
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
    }
}
