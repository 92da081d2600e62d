namespace HeapLens.Profiles;

/// <summary>
/// A sampled profile in the shape of pprof's profile.proto: each sample is a call stack (leaf first)
/// with one value per sample type. Ids of locations, functions and mappings are non-zero and unique;
/// samples refer to locations by id, locations to functions and mappings by id.
/// </summary>
public sealed class Profile
{
    public List<ValueType> SampleTypes { get; } = [];
    public List<Sample> Samples { get; } = [];
    public List<Mapping> Mappings { get; } = [];
    public List<Location> Locations { get; } = [];
    public List<Function> Functions { get; } = [];
    public List<string> Comments { get; } = [];

    /// <summary>When the profile started, in nanoseconds since the Unix epoch.</summary>
    public long TimeNanos { get; set; }
    public long DurationNanos { get; set; }
    public ValueType? PeriodType { get; set; }
    public long Period { get; set; }
    public string DefaultSampleType { get; set; } = "";

    /// <summary>Index of the sample type with this name, or -1.</summary>
    public int SampleTypeIndex(string type) => SampleTypes.FindIndex(t => t.Type == type);
}

/// <summary>What a value measures and in which unit, e.g. ("alloc_space", "bytes").</summary>
public sealed record ValueType(string Type, string Unit);

public sealed class Sample
{
    /// <summary>The call stack as location ids, leaf first.</summary>
    public required ulong[] LocationIds { get; init; }
    /// <summary>One value per sample type of the profile, in the same order.</summary>
    public required long[] Values { get; init; }
    public List<Label> Labels { get; } = [];

    /// <summary>The numeric label with this key, or null.</summary>
    public long? NumericLabel(string key)
    {
        foreach (var label in Labels)
            if (label.Key == key && label.Text is null)
                return label.Number;
        return null;
    }
}

/// <summary>A sample label: a string (Text) or a number with an optional unit.</summary>
public sealed record Label(string Key, string? Text, long Number = 0, string? NumberUnit = null);

/// <summary>A loaded module: for .NET, an assembly file.</summary>
public sealed class Mapping
{
    public ulong Id { get; init; }
    public ulong MemoryStart { get; init; }
    public ulong MemoryLimit { get; init; }
    public ulong FileOffset { get; init; }
    public string FileName { get; init; } = "";
    public string BuildId { get; init; } = "";
    public bool HasFunctions { get; init; }
    public bool HasFileNames { get; init; }
    public bool HasLineNumbers { get; init; }
    public bool HasInlineFrames { get; init; }
}

/// <summary>A code address with the function (and source line) it belongs to.</summary>
public sealed class Location
{
    public ulong Id { get; init; }
    public ulong MappingId { get; init; }
    public ulong Address { get; init; }
    /// <summary>Innermost first when functions were inlined; usually one line.</summary>
    public List<Line> Lines { get; } = [];
}

/// <summary>A line of a function; LineNumber 0 when no source line is known.</summary>
public readonly record struct Line(ulong FunctionId, long LineNumber);

public sealed class Function
{
    public ulong Id { get; init; }
    public string Name { get; init; } = "";
    public string SystemName { get; init; } = "";
    public string FileName { get; init; } = "";
    public long StartLine { get; init; }
}
