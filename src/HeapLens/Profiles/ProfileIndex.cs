namespace HeapLens.Profiles;

/// <summary>
/// Fast lookups over a profile for reports: location and function by id, and the frames of a sample
/// (function and line, leaf first, inlined frames expanded innermost first, as profile.proto orders them).
/// </summary>
public sealed class ProfileIndex
{
    private readonly Dictionary<ulong, Location> _locations;
    private readonly Dictionary<ulong, Function> _functions;

    public ProfileIndex(Profile profile)
    {
        Profile = profile;
        _locations = profile.Locations.ToDictionary(l => l.Id);
        _functions = profile.Functions.ToDictionary(f => f.Id);
    }

    public Profile Profile { get; }

    public Function Function(ulong id) => _functions[id];

    /// <summary>The sample type's index, by name; the default sample type (or the last) when name is null.</summary>
    public int ValueIndex(string? sampleType)
    {
        var types = Profile.SampleTypes;
        if (sampleType is null)
        {
            int preferred = Profile.SampleTypeIndex(Profile.DefaultSampleType);
            return preferred >= 0 ? preferred : types.Count - 1;
        }
        int index = Profile.SampleTypeIndex(sampleType);
        if (index < 0)
            throw new HeapLensException(
                $"the profile has no sample type '{sampleType}' (it has: {string.Join(", ", types.Select(t => t.Type))})");
        return index;
    }

    /// <summary>The frames of a sample, leaf first, into a reused list.</summary>
    public void Frames(Sample sample, List<Frame> into)
    {
        into.Clear();
        foreach (ulong locationId in sample.LocationIds)
        {
            var location = _locations[locationId];
            if (location.Lines.Count == 0)
            {
                into.Add(new Frame(null, 0, location.Address));
                continue;
            }
            foreach (var line in location.Lines)
                into.Add(new Frame(_functions[line.FunctionId], line.LineNumber, location.Address));
        }
    }
}

/// <summary>One frame of a stack: a function (null when the location has no symbol) at a line.</summary>
public readonly record struct Frame(Function? Function, long Line, ulong Address)
{
    public string Name => Function?.Name ?? $"0x{Address:x}";
}
