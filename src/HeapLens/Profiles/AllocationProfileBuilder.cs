namespace HeapLens.Profiles;

/// <summary>
/// Builds an allocation profile (alloc_objects/count, alloc_space/bytes, and with survivors
/// inuse_objects/count, inuse_space/bytes: Go's heap profile, in Go's order) from individual allocation
/// samples. Functions, mappings, locations and stacks are interned, and samples with the same stack,
/// allocated type and object size are merged, so a trace of a million samples becomes a profile of a
/// few thousand. The allocated type becomes the leaf frame of every stack, so that a report by
/// function answers both "who allocates System.String" and "what does this method allocate".
/// </summary>
public sealed class AllocationProfileBuilder
{
    public const string ObjectsType = "alloc_objects";
    public const string SpaceType = "alloc_space";
    public const string InuseObjectsType = "inuse_objects";
    public const string InuseSpaceType = "inuse_space";
    public const string SizeLabel = "bytes";

    private readonly Profile _profile = new();
    private readonly Dictionary<(string Name, string File), ulong> _functions = [];
    private readonly Dictionary<string, ulong> _mappings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ulong> _typeLocations = new(StringComparer.Ordinal);
    private readonly Dictionary<ulong[], int> _stackIds = new(StackComparer.Instance);
    private readonly List<ulong[]> _stacks = [];
    private readonly Dictionary<(int Stack, ulong Type, long Size), int> _sampleIndex = [];
    private readonly List<(int Stack, ulong Type, long Size)> _sampleKeys = [];
    private readonly List<Totals> _samples = [];
    private long _sampleCount;

    public AllocationProfileBuilder()
    {
        _profile.SampleTypes.Add(new ValueType(ObjectsType, "count"));
        _profile.SampleTypes.Add(new ValueType(SpaceType, "bytes"));
        _profile.DefaultSampleType = SpaceType;
    }

    /// <summary>How many allocation samples were added.</summary>
    public long SampleCount => _sampleCount;

    /// <summary>A mapping (module) by file path; 0 for none.</summary>
    public ulong Mapping(string? filePath, bool hasLineNumbers)
    {
        if (string.IsNullOrEmpty(filePath))
            return 0;
        if (_mappings.TryGetValue(filePath, out ulong id))
            return id;
        id = (ulong)_profile.Mappings.Count + 1;
        _profile.Mappings.Add(new Mapping
        {
            Id = id, FileName = SafeText.Of(filePath), HasFunctions = true, HasFileNames = hasLineNumbers, HasLineNumbers = hasLineNumbers,
        });
        _mappings.Add(filePath, id);
        return id;
    }

    /// <summary>A function by name and source file (empty when unknown).</summary>
    public ulong Function(string? name, string? systemName, string? sourceFile)
    {
        // TraceEvent leaves names null for code it could not describe.
        name ??= "";
        systemName ??= name;
        sourceFile ??= "";
        if (_functions.TryGetValue((name, sourceFile), out ulong id))
            return id;
        id = (ulong)_profile.Functions.Count + 1;
        // Names come from the target and its files: made safe to print once, here, for every view.
        _profile.Functions.Add(new Function
        {
            Id = id, Name = SafeText.Of(name), SystemName = SafeText.Of(systemName), FileName = SafeText.Of(sourceFile),
        });
        _functions.Add((name, sourceFile), id);
        return id;
    }

    /// <summary>A new location: one code address in one function at one line (0 when unknown).</summary>
    public ulong Location(ulong functionId, long line, ulong mappingId, ulong address)
    {
        ulong id = (ulong)_profile.Locations.Count + 1;
        var location = new Location { Id = id, MappingId = mappingId, Address = address };
        location.Lines.Add(new Line(functionId, line));
        _profile.Locations.Add(location);
        return id;
    }

    /// <summary>Interns a call stack of location ids (leaf first, without the type frame).</summary>
    public int Stack(ulong[] locationIds)
    {
        if (_stackIds.TryGetValue(locationIds, out int id))
            return id;
        id = _stacks.Count;
        _stacks.Add(locationIds);
        _stackIds.Add(locationIds, id);
        return id;
    }

    /// <summary>
    /// Adds one sample standing for <paramref name="objects"/> objects and <paramref name="bytes"/> bytes;
    /// returns the merged sample it went into, for <see cref="AddInuse"/>.
    /// </summary>
    public int Add(int stack, string typeName, long objectSize, double objects, double bytes)
    {
        ulong type = TypeLocation(typeName); // Function() makes the name safe to print, once per type
        ref int index = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(
            _sampleIndex, (stack, type, objectSize), out bool exists);
        if (!exists)
        {
            index = _samples.Count;
            _samples.Add(default);
            _sampleKeys.Add((stack, type, objectSize));
        }
        var totals = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_samples);
        totals[index].Objects += objects;
        totals[index].Bytes += bytes;
        _sampleCount++;
        return index;
    }

    /// <summary>Counts a sampled object of merged sample <paramref name="sample"/> as still alive, with the same weights.</summary>
    public void AddInuse(int sample, double objects, double bytes)
    {
        var totals = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_samples);
        totals[sample].InuseObjects += objects;
        totals[sample].InuseBytes += bytes;
    }

    /// <summary>The object size of merged sample <paramref name="sample"/>.</summary>
    public long ObjectSizeOf(int sample) => _sampleKeys[sample].Size;

    /// <summary>Whether the profile gets inuse_objects and inuse_space (set when survivors were tracked).</summary>
    public bool WithInuse { get; set; }

    /// <summary>
    /// The profile. Values are rounded once per merged sample, after summing, so rounding does not
    /// accumulate over many samples.
    /// </summary>
    public Profile Build(long timeNanos, long durationNanos, long periodBytes, IEnumerable<string> comments)
    {
        _profile.TimeNanos = timeNanos;
        _profile.DurationNanos = durationNanos;
        _profile.PeriodType = new ValueType("space", "bytes");
        _profile.Period = periodBytes;
        _profile.Comments.AddRange(comments);
        if (WithInuse)
        {
            _profile.SampleTypes.Add(new ValueType(InuseObjectsType, "count"));
            _profile.SampleTypes.Add(new ValueType(InuseSpaceType, "bytes"));
        }
        for (int i = 0; i < _samples.Count; i++)
        {
            var (stack, type, size) = _sampleKeys[i];
            var totals = _samples[i];
            ulong[] frames = _stacks[stack];
            var locationIds = new ulong[frames.Length + 1];
            locationIds[0] = type;
            frames.CopyTo(locationIds, 1);
            var sample = new Sample
            {
                LocationIds = locationIds,
                Values = WithInuse
                    ? [(long)Math.Round(totals.Objects), (long)Math.Round(totals.Bytes),
                       (long)Math.Round(totals.InuseObjects), (long)Math.Round(totals.InuseBytes)]
                    : [(long)Math.Round(totals.Objects), (long)Math.Round(totals.Bytes)],
            };
            sample.Labels.Add(new Label(SizeLabel, null, size, "bytes"));
            _profile.Samples.Add(sample);
        }
        PutMainModuleFirst();
        return _profile;
    }

    /// <summary>
    /// pprof shows the first mapping as the profile's "File", so put first the module in which most of
    /// the allocated bytes' stacks start (the outermost frame with a module): the application, not the
    /// runtime library that runtime-internal threads start in.
    /// </summary>
    private void PutMainModuleFirst()
    {
        if (_profile.Mappings.Count < 2)
            return;
        var mappingOf = _profile.Locations.ToDictionary(l => l.Id, l => l.MappingId);
        var rootBytes = new Dictionary<ulong, double>();
        for (int sample = 0; sample < _samples.Count; sample++)
        {
            var totals = _samples[sample];
            ulong[] stack = _stacks[_sampleKeys[sample].Stack];
            for (int i = stack.Length - 1; i >= 0; i--)
            {
                ulong mapping = mappingOf[stack[i]];
                if (mapping == 0)
                    continue;
                rootBytes[mapping] = rootBytes.GetValueOrDefault(mapping) + totals.Bytes;
                break;
            }
        }
        if (rootBytes.Count == 0)
            return;
        ulong main = rootBytes.MaxBy(c => c.Value).Key;
        int at = _profile.Mappings.FindIndex(m => m.Id == main);
        var mainMapping = _profile.Mappings[at];
        _profile.Mappings.RemoveAt(at);
        _profile.Mappings.Insert(0, mainMapping);
    }

    private ulong TypeLocation(string typeName)
    {
        if (_typeLocations.TryGetValue(typeName, out ulong id))
            return id;
        id = Location(Function(typeName, typeName, ""), 0, 0, 0);
        _typeLocations.Add(typeName, id);
        return id;
    }

    private struct Totals
    {
        public double Objects;
        public double Bytes;
        public double InuseObjects;
        public double InuseBytes;
    }

    private sealed class StackComparer : IEqualityComparer<ulong[]>
    {
        public static readonly StackComparer Instance = new();

        public bool Equals(ulong[]? x, ulong[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(ulong[] stack)
        {
            var hash = new HashCode();
            hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(stack.AsSpan()));
            return hash.ToHashCode();
        }
    }
}
