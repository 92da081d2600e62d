using HeapLens.Profiles;
using ValueType = HeapLens.Profiles.ValueType;

namespace HeapLens.Reports;

/// <summary>One frame of a trace.</summary>
/// <param name="File">Its source file, null when unknown.</param>
/// <param name="Line">Its source line, null when unknown.</param>
public sealed record TraceFrame(string Function, string? File, long? Line)
{
    public static TraceFrame Of(Frame f) => new(
        f.Name,
        f.Function is { FileName.Length: > 0 } fn ? fn.FileName : null,
        f.Line == 0 ? null : f.Line);
}

/// <summary>A full call stack, leaf (the allocated type) first, with one value per sample type.</summary>
public sealed record ProfileTrace(long[] Values, IReadOnlyList<TraceFrame> Frames);

/// <summary>`traces`: the heaviest full call stacks of a profile, merged when they read the same.</summary>
/// <param name="SortedBy">The sample type the stacks are ranked by.</param>
/// <param name="Totals">The whole profile's totals per sample type, what the shares are of.</param>
/// <param name="Base">With --base: the profile subtracted (values are new minus base); null otherwise.</param>
public sealed record ProfileTracesReport(
    string File,
    string SortedBy,
    IReadOnlyList<ValueType> SampleTypes,
    IReadOnlyList<ProfileTrace> Traces,
    long[] Totals,
    ProfileBase? Base = null)
{
    /// <summary>The stacks whose values changed most between the pair's profiles (new minus base), as pprof -base -traces.</summary>
    public static ProfileTracesReport Create(ProfilePair pair, string? sampleType, int count) =>
        Create(pair.NewPath, pair.Difference(), sampleType, count) with { Base = ProfileBase.Of(pair) };

    public static ProfileTracesReport Create(string file, Profile profile, string? sampleType, int count)
    {
        if (count <= 0)
            throw new HeapLensException($"-n: the number of stacks must be positive, not {count}");
        var index = new ProfileIndex(profile);
        var stacks = StackTotals.Heaviest(index, sampleType, count);
        var traces = stacks.Select(s => new ProfileTrace(s.Values, s.Frames.Select(TraceFrame.Of).ToList())).ToList();
        return new ProfileTracesReport(file, profile.SampleTypes[index.ValueIndex(sampleType)].Type,
            [.. profile.SampleTypes], traces, ProfileListReport.ProfileTotals(profile));
    }
}
