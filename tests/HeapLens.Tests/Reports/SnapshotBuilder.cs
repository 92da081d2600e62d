using HeapLens.Snapshots;

namespace HeapLens.Tests.Reports;

/// <summary>
/// Builds a HeapSnapshot object by object, with type names, named roots and metadata, for report
/// tests that need to know exactly what the heap holds. Addresses increase by each object's size.
/// </summary>
internal sealed class SnapshotBuilder
{
    private readonly List<string> _typeNames = [];
    private readonly Dictionary<string, int> _types = [];
    private readonly List<uint> _sizes = [];
    private readonly List<int> _typeIndex = [];
    private readonly List<List<int>> _references = [];
    private readonly List<(int Node, RootKind Kind, string? Name)> _roots = [];

    public int Count => _sizes.Count;

    public int Add(string type, uint size, params int[] references)
    {
        if (!_types.TryGetValue(type, out int t))
        {
            _types[type] = t = _typeNames.Count;
            _typeNames.Add(type);
        }
        _sizes.Add(size);
        _typeIndex.Add(t);
        _references.Add([.. references]);
        return _sizes.Count - 1;
    }

    public void Reference(int from, int to) => _references[from].Add(to);

    public SnapshotBuilder Root(int node, RootKind kind, string? name = null)
    {
        _roots.Add((node, kind, name));
        return this;
    }

    public SnapshotBuilder Static(int node, string field) => Root(node, RootKind.Static, field);

    public HeapSnapshot Build(SnapshotMetadata metadata)
    {
        int n = _sizes.Count;
        var addresses = new ulong[n];
        ulong address = 0x7f0000001000;
        for (int i = 0; i < n; i++)
        {
            addresses[i] = address;
            address += Math.Max(_sizes[i], 8u);
        }
        var edgeStart = new int[n + 1];
        for (int i = 0; i < n; i++)
            edgeStart[i + 1] = edgeStart[i] + _references[i].Count;
        var edgeTargets = new int[edgeStart[n]];
        for (int i = 0; i < n; i++)
            _references[i].CopyTo(edgeTargets, edgeStart[i]);
        var names = new Dictionary<string, int>();
        foreach (var (_, _, name) in _roots)
            if (name is not null)
                names.TryAdd(name, names.Count);
        var roots = new HeapRoots(
            _roots.Select(r => r.Node).ToArray(),
            _roots.Select(r => r.Kind).ToArray(),
            _roots.Select(r => r.Name is null ? -1 : names[r.Name]).ToArray(),
            [.. names.Keys]);
        return new HeapSnapshot(metadata, [.. _typeNames], addresses, [.. _sizes], null, [.. _typeIndex], edgeStart, edgeTargets, roots);
    }

    public static SnapshotMetadata Metadata(DateTimeOffset at, int pid = 4242) => new()
    {
        ProcessId = pid,
        ProcessName = "App",
        CommandLine = "dotnet App.dll --serve",
        RuntimeVersion = "10.0.0",
        CaptureTime = at,
        GcPauseMilliseconds = 12.5,
        GcNumber = 7,
        StreamBytes = 123_456,
        UnresolvedReferences = 3,
        HeapLensVersion = "1.0.0.0",
    };
}
