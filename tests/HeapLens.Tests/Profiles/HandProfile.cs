using HeapLens.Profiles;
using ValueType = HeapLens.Profiles.ValueType;

namespace HeapLens.Tests.Profiles;

/// <summary>
/// A profile written by hand, table by table, for tests whose right answer is read off the few
/// samples they add: functions are interned by (name, file), every location gets the next id.
/// </summary>
internal sealed class HandProfile
{
    private readonly Dictionary<(string, string), ulong> _functions = [];

    /// <param name="sampleTypes">Type names; those ending in "space" or "bytes" measure bytes, the others count.</param>
    public HandProfile(params string[] sampleTypes)
    {
        foreach (string type in sampleTypes)
            Profile.SampleTypes.Add(new ValueType(type, type.EndsWith("space") || type.EndsWith("bytes") ? "bytes" : "count"));
    }

    public Profile Profile { get; } = new();

    /// <summary>A new location in function <paramref name="name"/> of <paramref name="file"/> at <paramref name="line"/>.</summary>
    public ulong At(string name, string file = "", long line = 0, ulong mapping = 0, ulong address = 0)
    {
        if (!_functions.TryGetValue((name, file), out ulong function))
        {
            function = (ulong)Profile.Functions.Count + 1;
            Profile.Functions.Add(new Function { Id = function, Name = name, SystemName = name, FileName = file });
            _functions.Add((name, file), function);
        }
        var location = new Location { Id = (ulong)Profile.Locations.Count + 1, MappingId = mapping, Address = address };
        location.Lines.Add(new Line(function, line));
        Profile.Locations.Add(location);
        return location.Id;
    }

    /// <summary>A new location with no symbol: only a code address.</summary>
    public ulong Unsymbolized(ulong address, ulong mapping = 0)
    {
        var location = new Location { Id = (ulong)Profile.Locations.Count + 1, MappingId = mapping, Address = address };
        Profile.Locations.Add(location);
        return location.Id;
    }

    public ulong Mapping(string file, string buildId = "")
    {
        ulong id = (ulong)Profile.Mappings.Count + 1;
        Profile.Mappings.Add(new Mapping { Id = id, FileName = file, BuildId = buildId });
        return id;
    }

    /// <summary>Adds a sample: its stack leaf first, one value per sample type.</summary>
    public Sample Add(ulong[] stack, params long[] values)
    {
        var sample = new Sample { LocationIds = stack, Values = values };
        Profile.Samples.Add(sample);
        return sample;
    }
}
