using HeapLens.DataStructures;

namespace HeapLens.Snapshots;

/// <summary>
/// Accumulates a heap walk as it streams in (nodes, their edges in order, roots, type names) and turns
/// it into a <see cref="HeapSnapshot"/>. Edges arrive as target addresses and belong to nodes in order:
/// node i owns the next EdgeCount(i) edges. Storage is chunked so that nothing is copied while the walk
/// streams, and chunks are released as they are turned into the final arrays.
/// </summary>
public sealed class HeapGraphBuilder : IDisposable
{
    // Addresses as differences from the previous one, about a byte each (objects come in walk order, mostly
    // adjacent): 8 bytes per object were a quarter of the capture's peak. The snapshot keeps them packed too.
    private readonly PackedAddresses.Builder _addresses = new(1 << 20);
    private ulong _lastAddress;
    private readonly ChunkedList<uint> _sizes = new();
    private readonly Dictionary<int, long> _hugeSizes = [];
    private readonly ChunkedList<int> _typeIndex = new();
    // A byte per object (most have a handful of references); ManyEdges in it sends the count to _manyEdgeCounts.
    private readonly ChunkedList<byte> _edgeCounts = new();
    private readonly Dictionary<int, int> _manyEdgeCounts = [];
    private readonly ChunkedList<ulong> _edgeTargets = new();
    private readonly List<(ulong From, ulong To)> _dependentEdges = [];
    private readonly List<PendingRoot> _roots = [];
    private readonly Dictionary<ulong, int> _typeByRuntimeId = [];
    private readonly List<string?> _typeNames = [];
    private readonly Dictionary<string, int> _rootNameIndex = [];
    private readonly List<string> _rootNames = [];
    private readonly HashSet<ulong> _staticSlots = [];
    private IReadOnlyDictionary<ulong, string> _staticNames = new Dictionary<ulong, string>();
    // Objects of one type come in runs (arrays of a type, lists of nodes): the last lookup answers most.
    private ulong _lastRuntimeTypeId;
    private int _lastTypeIndex = -1;

    public long NodeCount => _sizes.Count;

    /// <summary>Sum of the edge counts the nodes announced.</summary>
    public long ExpectedEdgeCount { get; private set; }

    /// <summary>Edges actually received. Equal to <see cref="ExpectedEdgeCount"/> in a complete walk.</summary>
    public long ReceivedEdgeCount => _edgeTargets.Count;

    public void AddNode(ulong address, ulong size, ulong runtimeTypeId, int edgeCount)
    {
        if (NodeCount >= HeapSnapshot.MaxObjects)
            throw new HeapLensException($"the heap has more than {HeapSnapshot.MaxObjects:N0} objects, more than HeapLens supports");
        int node = (int)NodeCount;
        _addresses.AppendDifferences([address - _lastAddress]);
        _lastAddress = address;
        if (size >= uint.MaxValue)
        {
            _sizes.Add(uint.MaxValue);
            _hugeSizes[node] = (long)size;
        }
        else
        {
            _sizes.Add((uint)size);
        }
        _typeIndex.Add(TypeIndexOf(runtimeTypeId));
        _edgeCounts.Add(EdgeCountByte(node, edgeCount));
        ExpectedEdgeCount += edgeCount;
    }

    public void AddEdge(ulong targetAddress) => _edgeTargets.Add(targetAddress);

    private const byte ManyEdges = byte.MaxValue;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private byte EdgeCountByte(int node, int edgeCount)
    {
        if (edgeCount < ManyEdges)
            return (byte)edgeCount;
        _manyEdgeCounts[node] = edgeCount;
        return ManyEdges;
    }

    private int EdgeCountOf(int node, byte stored) => stored == ManyEdges ? _manyEdgeCounts[node] : stored;

    /// <summary>
    /// <see cref="AddNode"/> for a run of nodes as the runtime streams them: the same result, written a
    /// chunk at a time (the three per-node lists always hold the same count, so their chunks end together).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal void AddNodes(ReadOnlySpan<WalkNode> nodes)
    {
        if (NodeCount + nodes.Length > HeapSnapshot.MaxObjects)
            throw new HeapLensException($"the heap has more than {HeapSnapshot.MaxObjects:N0} objects, more than HeapLens supports");
        Span<ulong> differences = stackalloc ulong[256];
        while (nodes.Length > 0)
        {
            int first = (int)NodeCount;
            var sizes = _sizes.AppendSpan(Math.Min(nodes.Length, differences.Length));
            var types = _typeIndex.AppendSpan(sizes.Length);
            var edgeCounts = _edgeCounts.AppendSpan(sizes.Length);
            int n = Math.Min(sizes.Length, Math.Min(types.Length, edgeCounts.Length));
            long expected = 0;
            ulong last = _lastAddress;
            for (int i = 0; i < n; i++)
            {
                ref readonly var node = ref nodes[i];
                if (node.EdgeCount > int.MaxValue)
                    throw new HeapLensException($"the heap walk gives an object {node.EdgeCount:N0} references, more than an object can hold");
                differences[i] = node.Address - last;
                last = node.Address;
                if (node.Size >= uint.MaxValue)
                {
                    sizes[i] = uint.MaxValue;
                    _hugeSizes[first + i] = (long)node.Size;
                }
                else
                {
                    sizes[i] = (uint)node.Size;
                }
                types[i] = TypeIndexOf(node.TypeId);
                edgeCounts[i] = EdgeCountByte(first + i, (int)node.EdgeCount);
                expected += (int)node.EdgeCount;
            }
            _addresses.AppendDifferences(differences[..n]);
            _lastAddress = last;
            _sizes.Commit(n);
            _typeIndex.Commit(n);
            _edgeCounts.Commit(n);
            ExpectedEdgeCount += expected;
            nodes = nodes[n..];
        }
    }

    /// <summary><see cref="AddEdge"/> for a run of edges as the runtime streams them.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal void AddEdges(ReadOnlySpan<WalkEdge> edges)
    {
        while (edges.Length > 0)
        {
            var targets = _edgeTargets.AppendSpan(edges.Length);
            for (int i = 0; i < targets.Length; i++)
                targets[i] = edges[i].Target;
            _edgeTargets.Commit(targets.Length);
            edges = edges[targets.Length..];
        }
    }

    /// <summary>A dependent handle (ConditionalWeakTable entry): the value lives as long as the key.</summary>
    public void AddDependentEdge(ulong keyAddress, ulong valueAddress) => _dependentEdges.Add((keyAddress, valueAddress));

    public void AddRoot(ulong address, RootKind kind, string? name = null) =>
        _roots.Add(new PendingRoot(address, kind, name is null ? -1 : RootNameIndexOf(name), 0, null));

    /// <summary>
    /// A static field root. The walk gives the field's name and the address of its slot; the declaring
    /// type is named later through <see cref="NameStaticSlots"/>.
    /// </summary>
    public void AddStaticRoot(ulong address, ulong slot, string fieldName)
    {
        _roots.Add(new PendingRoot(address, RootKind.Static, -1, slot, fieldName));
        _staticSlots.Add(slot);
    }

    /// <summary>Slots of the static roots seen so far.</summary>
    public IReadOnlySet<ulong> StaticSlots => _staticSlots;

    /// <summary>Full names ("Namespace.Type.field") of static slots; slots left out keep the bare field name.</summary>
    public void NameStaticSlots(IReadOnlyDictionary<ulong, string> names) => _staticNames = names;

    /// <summary>Names come from the target: made safe to print here, once, for every view.</summary>
    public void SetTypeName(ulong runtimeTypeId, string name) => _typeNames[TypeIndexOf(runtimeTypeId)] = SafeText.Of(name);

    /// <summary>Each runtime type id seen so far, with the name the walk gave it (null: none).</summary>
    public IReadOnlyCollection<KeyValuePair<ulong, string?>> RuntimeTypes =>
        _typeByRuntimeId.Select(type => KeyValuePair.Create(type.Key, _typeNames[type.Value])).ToList();

    /// <summary>Types that objects have but no type event named: the walk's type events went elsewhere.</summary>
    public int UnnamedTypeCount => _typeNames.Count(name => name is null);

    public bool HasTypeName(ulong runtimeTypeId) =>
        _typeByRuntimeId.TryGetValue(runtimeTypeId, out int index) && _typeNames[index] is not null;

    private BuiltGraph? _graph;

    /// <summary>
    /// The part of <see cref="Build"/> that needs no names (the address index and the references, most of its
    /// work): a capture runs it while the target is read for the names of static fields and nested types.
    /// Nodes, edges and dependent handles added afterwards are not in the snapshot.
    /// </summary>
    public void BuildGraph()
    {
        if (_graph is not null)
            return;
        var addresses = _addresses.Build();
        uint[] sizes = _sizes.DrainToArray();
        int[] typeIndex = _typeIndex.DrainToArray();
        var index = AddressIndex.For(addresses);
        var edges = BuildEdges(addresses.Count, index);
        _graph = new BuiltGraph(addresses, sizes, typeIndex, index, edges.EdgeStart, edges.EdgeTargets, edges.Unresolved);
    }

    public HeapSnapshot Build(SnapshotMetadata metadata)
    {
        BuildGraph();
        var graph = _graph!;
        string[] typeNames = MergeTypesOfTheSameName(TypeNames(), graph.TypeIndex);
        var roots = BuildRoots(graph.Index);
        // The index's offsets (2 bytes per object, native) are not needed past the roots: freed before the snapshot is written.
        graph.Index.Dispose();

        return new HeapSnapshot(
            metadata with { UnresolvedReferences = graph.Unresolved },
            typeNames, graph.Addresses, graph.Sizes, _hugeSizes, graph.TypeIndex, graph.EdgeStart, graph.EdgeTargets, roots);
    }

    private sealed record BuiltGraph(PackedAddresses Addresses, uint[] Sizes, int[] TypeIndex, AddressIndex Index, int[] EdgeStart, int[] EdgeTargets,
        long Unresolved);

    /// <summary>
    /// Resolves target addresses to node indices (dropping references to objects the walk did not
    /// report, such as frozen string literals), then lays out CSR arrays with the dependent-handle
    /// edges merged in after each key's own references.
    /// </summary>
    private (int[] EdgeStart, int[] EdgeTargets, long Unresolved) BuildEdges(int nodeCount, AddressIndex index)
    {
        if (ReceivedEdgeCount != ExpectedEdgeCount)
            throw new InvalidOperationException("The walk is incomplete: edges received differ from edges announced.");

        // References are resolved first, from the announced counts (a byte per node), into an array of the received
        // length; the per-node offsets are laid out after the 8-byte targets are freed, so the two never coexist.
        // Only references to objects outside the walk (rare) make the resolved array shorter, and then it is trimmed once.
        var resolved = GC.AllocateUninitializedArray<int>(checked((int)_edgeTargets.Count));
        ChunkMemory.AdviseHugePages(resolved);
        int resolvedCount = 0;
        long unresolved = 0;
        var unresolvedFrom = new List<int>();
        int node = -1;
        int leftInNode = 0;
        _edgeTargets.Drain(targets =>
        {
            foreach (ulong target in targets)
            {
                while (leftInNode == 0)
                {
                    node++;
                    leftInNode = EdgeCountOf(node, _edgeCounts[node]);
                }
                leftInNode--;
                int targetNode = index.Find(target);
                if (targetNode >= 0)
                {
                    resolved[resolvedCount++] = targetNode;
                }
                else
                {
                    unresolved++;
                    unresolvedFrom.Add(node);
                }
            }
        });

        // edgeStart holds each node's resolved count, then (after a prefix sum in place) the CSR offsets.
        var edgeStart = GC.AllocateUninitializedArray<int>(nodeCount + 1);
        ChunkMemory.AdviseHugePages(edgeStart);
        int counted = 0;
        _edgeCounts.Drain(counts =>
        {
            for (int i = 0; i < counts.Length; i++, counted++)
                edgeStart[counted] = EdgeCountOf(counted, counts[i]);
        });
        _manyEdgeCounts.Clear();
        foreach (int from in unresolvedFrom)
            edgeStart[from]--;

        var dependents = ResolveDependentEdges(index, ref unresolved);
        foreach (var (from, _) in dependents)
            edgeStart[from]++;
        long total = 0;
        for (int i = 0; i < nodeCount; i++)
        {
            int count = edgeStart[i];
            edgeStart[i] = (int)total;
            total += count;
            if (total > HeapSnapshot.MaxReferences)
                throw new HeapLensException($"the heap has more than {HeapSnapshot.MaxReferences:N0} references, more than HeapLens supports");
        }
        edgeStart[nodeCount] = (int)total;

        int[] edgeTargets;
        if (dependents.Length == 0)
        {
            edgeTargets = resolvedCount == resolved.Length ? resolved : resolved[..resolvedCount];
        }
        else
        {
            // Each key's own references first, then the values its dependent handles keep alive.
            edgeTargets = new int[total];
            int from = 0;
            int d = 0;
            for (int i = 0; i < nodeCount; i++)
            {
                int write = edgeStart[i];
                int end = edgeStart[i + 1];
                int dependentCount = 0;
                while (d + dependentCount < dependents.Length && dependents[d + dependentCount].From == i)
                    dependentCount++;
                while (write < end - dependentCount)
                    edgeTargets[write++] = resolved[from++];
                for (; dependentCount > 0; dependentCount--)
                    edgeTargets[write++] = dependents[d++].To;
            }
        }
        return (edgeStart, edgeTargets, unresolved);
    }

    /// <summary>Frees the native chunks of an abandoned walk (a built one has freed them already).</summary>
    public void Dispose()
    {
        _addresses.Dispose();
        _graph?.Index.Dispose();
        _sizes.Dispose();
        _typeIndex.Dispose();
        _edgeCounts.Dispose();
        _edgeTargets.Dispose();
    }

    private (int From, int To)[] ResolveDependentEdges(AddressIndex index, ref long unresolved)
    {
        var edges = new List<(int From, int To)>(_dependentEdges.Count);
        foreach (var (from, to) in _dependentEdges)
        {
            int fromNode = index.Find(from);
            int toNode = index.Find(to);
            if (fromNode >= 0 && toNode >= 0)
                edges.Add((fromNode, toNode));
            else
                unresolved++;
        }
        _dependentEdges.Clear();
        edges.Sort();
        return edges.ToArray();
    }

    private HeapRoots BuildRoots(AddressIndex index)
    {
        var nodes = new List<int>(_roots.Count);
        var kinds = new List<RootKind>(_roots.Count);
        var names = new List<int>(_roots.Count);
        foreach (var root in _roots)
        {
            int node = index.Find(root.Address);
            if (node < 0)
                continue; // a root to an object outside the walked heap (e.g. frozen): nothing to hold
            nodes.Add(node);
            kinds.Add(root.Kind);
            names.Add(root.FieldName is null
                ? root.NameIndex
                : RootNameIndexOf(_staticNames.GetValueOrDefault(root.Slot) ?? root.FieldName));
        }
        _roots.Clear();
        return new HeapRoots(nodes.ToArray(), kinds.ToArray(), names.ToArray(), _rootNames.ToArray());
    }

    /// <summary>
    /// Distinct runtime types can share a name: the same type loaded twice (in two load contexts),
    /// or nested types whose full names could not be read from the target (the walk names them
    /// without their declaring type: "&lt;&gt;c", "Entry[...]"). Reports, diffs and lookups go by
    /// name, so such types become one.
    /// </summary>
    private static string[] MergeTypesOfTheSameName(string[] typeNames, int[] typeIndex)
    {
        var first = new Dictionary<string, int>(typeNames.Length, StringComparer.Ordinal);
        var remap = new int[typeNames.Length];
        var merged = new List<string>(typeNames.Length);
        for (int t = 0; t < typeNames.Length; t++)
        {
            if (!first.TryGetValue(typeNames[t], out int target))
            {
                target = merged.Count;
                merged.Add(typeNames[t]);
                first.Add(typeNames[t], target);
            }
            remap[t] = target;
        }
        if (merged.Count == typeNames.Length)
            return typeNames;
        for (int node = 0; node < typeIndex.Length; node++)
            typeIndex[node] = remap[typeIndex[node]];
        return merged.ToArray();
    }

    private string[] TypeNames()
    {
        var names = new string[_typeNames.Count];
        foreach (var (runtimeId, index) in _typeByRuntimeId)
            names[index] = _typeNames[index] ?? $"<unknown type 0x{runtimeId:x}>";
        return names;
    }

    private int TypeIndexOf(ulong runtimeTypeId)
    {
        if (_lastTypeIndex >= 0 && runtimeTypeId == _lastRuntimeTypeId)
            return _lastTypeIndex;
        _lastTypeIndex = TypeIndexOfNew(runtimeTypeId);
        _lastRuntimeTypeId = runtimeTypeId;
        return _lastTypeIndex;
    }

    private int TypeIndexOfNew(ulong runtimeTypeId)
    {
        if (!_typeByRuntimeId.TryGetValue(runtimeTypeId, out int index))
        {
            index = _typeNames.Count;
            _typeNames.Add(null);
            _typeByRuntimeId.Add(runtimeTypeId, index);
        }
        return index;
    }

    private int RootNameIndexOf(string name)
    {
        if (!_rootNameIndex.TryGetValue(name, out int index))
        {
            index = _rootNames.Count;
            _rootNames.Add(SafeText.Of(name)); // from the target: made safe to print once, here
            _rootNameIndex.Add(name, index);
        }
        return index;
    }

    private readonly record struct PendingRoot(ulong Address, RootKind Kind, int NameIndex, ulong Slot, string? FieldName);
}

/// <summary>One GCBulkNode value as the runtime lays it out (64-bit): address, size, type id, reference count.</summary>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
internal readonly struct WalkNode
{
    public readonly ulong Address;
    public readonly ulong Size;
    public readonly ulong TypeId;
    public readonly ulong EdgeCount;
}

/// <summary>One GCBulkEdge value as the runtime lays it out (64-bit): the target's address, the referencing field's id.</summary>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential, Pack = 1)]
internal readonly struct WalkEdge
{
    public readonly ulong Target;
    public readonly uint FieldId;
}
