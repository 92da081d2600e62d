using HeapLens.Profiles;
using ProfileValueType = HeapLens.Profiles.ValueType;

namespace HeapLens.Formats.Pprof;

// The decoded form of profile.proto messages, before strings and references are resolved.

internal sealed class RawSample
{
    public List<ulong> LocationIds { get; } = [];
    public List<long> Values { get; } = [];
    public List<RawLabel> Labels { get; } = [];
}

internal sealed class RawLabel { public long Key, Str, Num, NumUnit; }

internal sealed class RawMapping
{
    public ulong Id, MemoryStart, MemoryLimit, FileOffset;
    public long FileName, BuildId;
    public bool HasFunctions, HasFileNames, HasLineNumbers, HasInlineFrames;
}

internal sealed class RawFunction { public ulong Id; public long Name, SystemName, FileName, StartLine; }

/// <summary>A decoded profile whose strings are still indexes; Resolve checks and converts it.</summary>
internal sealed class RawProfile
{
    public List<(long Type, long Unit)> SampleTypes { get; } = [];
    public List<RawSample> Samples { get; } = [];
    public List<RawMapping> Mappings { get; } = [];
    public List<Location> Locations { get; } = [];
    public List<RawFunction> Functions { get; } = [];
    public List<string> Strings { get; } = [];
    public List<long> Comments { get; } = [];
    public long TimeNanos, DurationNanos, Period, DefaultSampleType;
    public (long Type, long Unit)? PeriodType;

    private readonly HashSet<ulong> _mappingIds = [];
    private readonly HashSet<ulong> _functionIds = [];
    private readonly HashSet<ulong> _locationIds = [];
    private long[]? _valueMagnitudes;

    // Checked as each message is decoded, not at the end: a file of millions of empty or repeated
    // messages is refused at the first one instead of first filling memory with them.

    public void AddMapping(RawMapping m)
    {
        if (m.Id == 0 || !_mappingIds.Add(m.Id))
            throw Invalid($"mapping id {m.Id} is zero or repeated");
        Mappings.Add(m);
    }

    public void AddFunction(RawFunction f)
    {
        if (f.Id == 0 || !_functionIds.Add(f.Id))
            throw Invalid($"function id {f.Id} is zero or repeated");
        Functions.Add(f);
    }

    public void AddLocation(Location location)
    {
        if (location.Id == 0 || !_locationIds.Add(location.Id))
            throw Invalid($"location id {location.Id} is zero or repeated");
        Locations.Add(location);
    }

    /// <summary>
    /// A sample needs one value per sample type (read by the first pass). The magnitudes of each
    /// type's values must add up to at most long.MaxValue, so that every total, flat, cum, by line
    /// or by stack, is exact: such a profile is refused here rather than summed with overflow.
    /// </summary>
    public void AddSample(RawSample sample)
    {
        if (sample.Values.Count != SampleTypes.Count)
            throw Invalid($"a sample has {sample.Values.Count} values for {SampleTypes.Count} sample types");
        _valueMagnitudes ??= new long[SampleTypes.Count];
        for (int i = 0; i < sample.Values.Count; i++)
        {
            long value = sample.Values[i];
            if (value == long.MinValue || Math.Abs(value) > long.MaxValue - _valueMagnitudes[i])
                throw Invalid($"the values of sample type {i + 1} add up past {long.MaxValue:N0}");
            _valueMagnitudes[i] += Math.Abs(value);
        }
        Samples.Add(sample);
    }

    public Profile Resolve()
    {
        if (Strings.Count == 0 || Strings[0] != "")
            throw Invalid("its string table does not start with \"\"");
        var profile = new Profile
        {
            TimeNanos = TimeNanos,
            DurationNanos = DurationNanos,
            Period = Period,
            DefaultSampleType = String(DefaultSampleType),
        };
        foreach (var type in SampleTypes)
            profile.SampleTypes.Add(ValueType(type));
        if (PeriodType is { } periodType)
            profile.PeriodType = ValueType(periodType);
        foreach (long comment in Comments)
            profile.Comments.Add(String(comment));

        // Ids were checked (non-zero, unique) and samples' value counts too, as each message was added.
        foreach (var m in Mappings)
        {
            profile.Mappings.Add(new Mapping
            {
                Id = m.Id, MemoryStart = m.MemoryStart, MemoryLimit = m.MemoryLimit, FileOffset = m.FileOffset,
                FileName = String(m.FileName), BuildId = String(m.BuildId), HasFunctions = m.HasFunctions,
                HasFileNames = m.HasFileNames, HasLineNumbers = m.HasLineNumbers, HasInlineFrames = m.HasInlineFrames,
            });
        }

        foreach (var f in Functions)
        {
            profile.Functions.Add(new Function
            {
                Id = f.Id, Name = String(f.Name), SystemName = String(f.SystemName),
                FileName = String(f.FileName), StartLine = f.StartLine,
            });
        }

        foreach (var location in Locations)
        {
            if (location.MappingId != 0 && !_mappingIds.Contains(location.MappingId))
                throw Invalid($"location {location.Id} refers to a missing mapping {location.MappingId}");
            foreach (var line in location.Lines)
                if (!_functionIds.Contains(line.FunctionId))
                    throw Invalid($"location {location.Id} refers to a missing function {line.FunctionId}");
            profile.Locations.Add(location);
        }

        foreach (var raw in Samples)
        {
            foreach (ulong id in raw.LocationIds)
                if (!_locationIds.Contains(id))
                    throw Invalid($"a sample refers to a missing location {id}");
            var sample = new Sample { LocationIds = [.. raw.LocationIds], Values = [.. raw.Values] };
            foreach (var label in raw.Labels)
                sample.Labels.Add(label.Str != 0
                    ? new Label(String(label.Key), String(label.Str))
                    : new Label(String(label.Key), null, label.Num, label.NumUnit == 0 ? null : String(label.NumUnit)));
            profile.Samples.Add(sample);
        }
        return profile;
    }

    private ProfileValueType ValueType((long Type, long Unit) type) => new(String(type.Type), String(type.Unit));

    private string String(long index) =>
        index >= 0 && index < Strings.Count ? Strings[(int)index]
            : throw Invalid($"string index {index} is outside its string table of {Strings.Count}");

    public static HeapLensException Invalid(string why) => new($"not a valid pprof profile: {why}");
}
