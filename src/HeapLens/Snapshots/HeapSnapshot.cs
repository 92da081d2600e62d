using HeapLens.DataStructures;

namespace HeapLens.Snapshots;

/// <summary>
/// A live-object graph as a struct of arrays: node i is the i-th object of the heap walk.
/// No object per node: 12 bytes per object (size, type, edge offset) plus 4 per reference, and its address.
/// A snapshot loaded from a file or captured keeps its addresses packed (about 1 byte each instead of 8)
/// until a report asks for them.
/// Edges are in CSR form: the targets of node i are EdgeTargets[EdgeStart[i] .. EdgeStart[i+1]).
/// </summary>
public sealed class HeapSnapshot
{
    /// <summary>
    /// The most objects a snapshot can hold: node arrays are .NET arrays indexed by int, and the
    /// dominator analysis adds a synthetic root and an end offset (n + 2 entries). Refused with a
    /// message by the capture, the writer and the reader (docs/heapsnap-format.md).
    /// </summary>
    public static readonly int MaxObjects = Array.MaxLength - 2;

    /// <summary>The most references: edge targets are one .NET array indexed by int.</summary>
    public static readonly int MaxReferences = Array.MaxLength;

    /// <summary>
    /// No heap exceeds the 48-bit user address space of today's 64-bit processors (256 TB): a size
    /// above it is corruption, and totals stay far from overflowing a long.
    /// </summary>
    public const long MaxHeapBytes = 1L << 48;

    public HeapSnapshot(
        SnapshotMetadata metadata,
        string[] typeNames,
        ulong[] addresses,
        uint[] sizes,
        Dictionary<int, long>? hugeSizes,
        int[] typeIndex,
        int[] edgeStart,
        int[] edgeTargets,
        HeapRoots roots)
        : this(metadata, typeNames, addresses.Length, sizes, hugeSizes, typeIndex, edgeStart, edgeTargets, roots)
    {
        _addresses = addresses;
    }

    /// <summary>A snapshot whose addresses stay packed until first asked for (a loaded file's).</summary>
    public HeapSnapshot(
        SnapshotMetadata metadata,
        string[] typeNames,
        PackedAddresses addresses,
        uint[] sizes,
        Dictionary<int, long>? hugeSizes,
        int[] typeIndex,
        int[] edgeStart,
        int[] edgeTargets,
        HeapRoots roots)
        : this(metadata, typeNames, addresses.Count, sizes, hugeSizes, typeIndex, edgeStart, edgeTargets, roots)
    {
        _packedAddresses = addresses;
    }

    private HeapSnapshot(
        SnapshotMetadata metadata,
        string[] typeNames,
        int nodeCount,
        uint[] sizes,
        Dictionary<int, long>? hugeSizes,
        int[] typeIndex,
        int[] edgeStart,
        int[] edgeTargets,
        HeapRoots roots)
    {
        int n = nodeCount;
        if (sizes.Length != n || typeIndex.Length != n || edgeStart.Length != n + 1)
            throw new ArgumentException("Node arrays disagree in length.");
        if (edgeStart[n] != edgeTargets.Length)
            throw new ArgumentException("Edge offsets disagree with the edge count.");
        Metadata = metadata;
        TypeNames = typeNames;
        NodeCount = n;
        Sizes = sizes;
        HugeSizes = hugeSizes ?? [];
        TypeIndex = typeIndex;
        EdgeStart = edgeStart;
        EdgeTargets = edgeTargets;
        Roots = roots;
        TotalBytes = ComputeTotalBytes();
    }

    private ulong[]? _addresses;
    private readonly PackedAddresses? _packedAddresses;

    public SnapshotMetadata Metadata { get; }

    /// <summary>Full runtime type names, indexed by <see cref="TypeIndex"/>.</summary>
    public string[] TypeNames { get; }

    /// <summary>
    /// Per node: its address in the target when the snapshot was taken. Unpacked on first use when
    /// the snapshot was loaded from a file (8 bytes per object that most reports never need).
    /// </summary>
    public ulong[] Addresses => _addresses ?? LazyInitializer.EnsureInitialized(ref _addresses, () => _packedAddresses!.Unpack());

    /// <summary>One object's address, read from the packed form while <see cref="Addresses"/> was never asked for.</summary>
    public ulong AddressOf(int node) => _addresses is { } addresses ? addresses[node] : _packedAddresses!.At(node);

    /// <summary>The object at <paramref name="address"/>, or -1; with the addresses still packed, one pass over them, nothing unpacked.</summary>
    public int FindNode(ulong address)
    {
        if (_addresses is not { } addresses)
            return _packedAddresses!.IndexOf(address);
        using var index = AddressIndex.For(addresses);
        return index.Find(address);
    }

    /// <summary>An index of the objects' addresses for many look-ups, built without unpacking packed addresses.</summary>
    internal AddressIndex IndexAddresses() => _addresses is { } addresses ? AddressIndex.For(addresses) : AddressIndex.For(_packedAddresses!);

    /// <summary>The addresses as packed differences while they were never unpacked (what the file stores), else null.</summary>
    internal PackedAddresses? PackedAddressesIfPacked => _addresses is null ? _packedAddresses : null;

    /// <summary>
    /// Shallow sizes. An object of 4 GB or more (only possible with gcAllowVeryLargeObjects) stores
    /// <see cref="uint.MaxValue"/> here and its real size in <see cref="HugeSizes"/>.
    /// </summary>
    public uint[] Sizes { get; }

    public Dictionary<int, long> HugeSizes { get; }

    public int[] TypeIndex { get; }

    public int[] EdgeStart { get; }

    public int[] EdgeTargets { get; }

    public HeapRoots Roots { get; }

    public int NodeCount { get; }

    public int EdgeCount => EdgeTargets.Length;

    public long TotalBytes { get; }

    /// <summary>
    /// Where the sampled objects still alive were allocated, when the snapshot ended an allocation
    /// window (`heaplens snapshot --allocs`); null for a plain snapshot.
    /// </summary>
    public AllocationSites? Allocations { get; private set; }

    /// <summary>Attaches the allocation sites of the window that ended with this snapshot; every node must be one of its objects.</summary>
    public void Attach(AllocationSites sites)
    {
        int previous = -1;
        foreach (int node in sites.Nodes)
        {
            if (node <= previous || node >= NodeCount)
                throw new ArgumentException("Allocation sites name nodes out of order or outside the graph.");
            previous = node;
        }
        Allocations = sites;
    }

    public long SizeOf(int node)
    {
        uint size = Sizes[node];
        return size == uint.MaxValue && HugeSizes.TryGetValue(node, out long huge) ? huge : size;
    }

    public string TypeNameOf(int node) => TypeNames[TypeIndex[node]];

    public ReadOnlySpan<int> Successors(int node) =>
        EdgeTargets.AsSpan(EdgeStart[node], EdgeStart[node + 1] - EdgeStart[node]);

    private long ComputeTotalBytes()
    {
        long total = 0;
        foreach (uint size in Sizes)
            total += size;
        foreach (var (node, size) in HugeSizes)
            total += size - Sizes[node];
        return total;
    }
}

/// <summary>
/// GC roots as parallel arrays: root r holds node Nodes[r], is of kind Kinds[r], and is named
/// Names[NameIndex[r]] when NameIndex[r] >= 0 (for statics: "Namespace.Type.field").
/// One object can be held by several roots.
/// </summary>
public sealed class HeapRoots
{
    public HeapRoots(int[] nodes, RootKind[] kinds, int[] nameIndex, string[] names)
    {
        if (kinds.Length != nodes.Length || nameIndex.Length != nodes.Length)
            throw new ArgumentException("Root arrays disagree in length.");
        Nodes = nodes;
        Kinds = kinds;
        NameIndex = nameIndex;
        Names = names;
    }

    public static HeapRoots Empty { get; } = new([], [], [], []);

    public int[] Nodes { get; }
    public RootKind[] Kinds { get; }
    public int[] NameIndex { get; }
    public string[] Names { get; }
    public int Count => Nodes.Length;

    public string? NameOf(int root) => NameIndex[root] >= 0 ? Names[NameIndex[root]] : null;
}
