using System.Runtime.InteropServices;
using HeapLens.Profiles;

namespace HeapLens.Reports;

/// <summary>
/// A flame graph's merged call tree as parallel lists (node 0.. in creation order); -1 is the virtual root.
/// Frames are keyed by name, so a diff's two profiles add into one tree, each in its own value lists.
/// Once complete (<see cref="Freeze"/>) the tree is kept as exact arrays and child lists, without the
/// lookup that built it: a server keeps it for every zoom.
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

    // The frozen tree: per node, its caller, name, values (the base's only in a diff), and its children biggest first.
    private int[] _parent = [];
    private int[] _name = [];
    private long[] _value = [];
    private long[] _self = [];
    private long[]? _baseValue;
    private int[] _childStart = [];
    private int[] _childList = [];
    private int[] _rootList = [];

    /// <summary>The tree is complete: orders every node's children once, for the views that follow.</summary>
    public void Freeze()
    {
        (_parent, _name, _value, _self) = (Parents.ToArray(), Names.ToArray(), Values.ToArray(), Selfs.ToArray());
        if (BaseValues.Exists(v => v != 0))
            _baseValue = BaseValues.ToArray(); // a box's base self is not shown
        foreach (var list in new[] { Values, Selfs, BaseValues, BaseSelfs })
        {
            list.Clear();
            list.TrimExcess();
        }
        foreach (var list in new[] { Parents, Names })
        {
            list.Clear();
            list.TrimExcess();
        }
        _children.Clear();
        _children.TrimExcess();

        int count = _parent.Length;
        _childStart = new int[count + 1];
        int roots = 0;
        for (int n = 0; n < count; n++)
        {
            if (_parent[n] < 0)
                roots++;
            else
                _childStart[_parent[n] + 1]++;
        }
        for (int n = 0; n < count; n++)
            _childStart[n + 1] += _childStart[n];
        _childList = new int[count - roots];
        _rootList = new int[roots];
        var fill = _childStart[..count];
        roots = 0;
        for (int n = 0; n < count; n++)
        {
            int p = _parent[n];
            if (p < 0)
                _rootList[roots++] = n;
            else
                _childList[fill[p]++] = n;
        }
        Comparison<int> biggestFirst = (a, b) =>
        {
            int byValue = Width(b).CompareTo(Width(a));
            return byValue != 0 ? byValue : string.CompareOrdinal(_names[_name[a]], _names[_name[b]]);
        };
        _rootList.AsSpan().Sort(biggestFirst);
        for (int n = 0; n < count; n++)
            _childList.AsSpan(_childStart[n], _childStart[n + 1] - _childStart[n]).Sort(biggestFirst);
    }

    private long Width(int node) => _value[node] + (_baseValue?[node] ?? 0);

    private ReadOnlySpan<int> ChildrenOf(int node) =>
        node < 0 ? _rootList : _childList.AsSpan(_childStart[node], _childStart[node + 1] - _childStart[node]);

    /// <summary>The node at the end of a call path of names from a root, or -1 when the tree has no such path.</summary>
    public int Find(IReadOnlyList<string> path)
    {
        int node = -1;
        foreach (string name in path)
        {
            if (!_nameIds.TryGetValue(name, out int id))
                return -1;
            int found = -1;
            foreach (int child in ChildrenOf(node))
            {
                if (_name[child] == id)
                {
                    found = child;
                    break;
                }
            }
            if (found < 0)
                return -1;
            node = found;
        }
        return node;
    }

    public long WidthOf(int node) => node < 0 ? 0 : Width(node);

    /// <summary>
    /// The boxes in preorder, children biggest first, those narrower than <paramref name="minValue"/> left
    /// out with their callees. With a <paramref name="focus"/> node, only its callers (one box per depth,
    /// the path down to it) and the tree below it.
    /// </summary>
    public List<FlameNode> Preorder(int focus, long minValue, bool diff, out long prunedValue, out int prunedNodes)
    {
        prunedValue = 0;
        prunedNodes = 0;
        var result = new List<FlameNode>();
        var work = new Stack<(int Node, int Parent, int Depth)>();
        if (focus < 0)
        {
            Push(ChildrenOf(-1), -1, 0, work, minValue, ref prunedValue, ref prunedNodes);
        }
        else
        {
            var callers = new List<int>();
            for (int at = _parent[focus]; at >= 0; at = _parent[at])
                callers.Add(at);
            for (int i = callers.Count - 1; i >= 0; i--)
                result.Add(Box(callers[i], result.Count - 1, result.Count, diff));
            work.Push((focus, result.Count - 1, result.Count));
        }
        while (work.Count > 0)
        {
            var (node, parent, depth) = work.Pop();
            int index = result.Count;
            result.Add(Box(node, parent, depth, diff));
            Push(ChildrenOf(node), index, depth + 1, work, minValue, ref prunedValue, ref prunedNodes);
        }
        return result;
    }

    private FlameNode Box(int node, int parent, int depth, bool diff)
    {
        string name = _names[_name[node]];
        if (!diff)
            return new FlameNode(name, parent, depth, _value[node], _self[node]);
        long baseValue = _baseValue?[node] ?? 0;
        return new FlameNode(name, parent, depth, _value[node], _self[node], baseValue, _value[node] - baseValue);
    }

    // Pushed smallest first so the biggest pops first; what is too narrow is counted, not shown.
    private void Push(ReadOnlySpan<int> biggestFirst, int parentIndex, int depth, Stack<(int, int, int)> work,
        long minValue, ref long prunedValue, ref int prunedNodes)
    {
        for (int i = biggestFirst.Length - 1; i >= 0; i--)
        {
            int child = biggestFirst[i];
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
