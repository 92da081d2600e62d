using HeapLens.Profiles;

namespace HeapLens.Reports;

/// <summary>
/// What `top`, `list` and `traces` add with --base: the profile the values are relative to, both
/// profiles' totals and durations (the difference's own duration is their sum, as pprof's), and how far
/// the comparison can be trusted.
/// </summary>
/// <param name="File">The base profile as given.</param>
/// <param name="SampleTypes">The sample types, in the order of the totals.</param>
/// <param name="BaseTotals">The base's total per sample type.</param>
/// <param name="NewTotals">The new profile's total per sample type, after normalizing when asked.</param>
/// <param name="NormalizedBy">With --normalize: the factor the new profile's values were scaled by, per sample type.</param>
public sealed record ProfileBase(
    string File,
    IReadOnlyList<Profiles.ValueType> SampleTypes,
    long[] BaseTotals,
    long[] NewTotals,
    long? BaseDurationNanos,
    long? NewDurationNanos,
    double[]? NormalizedBy,
    IReadOnlyList<string> Warnings)
{
    public static ProfileBase Of(ProfilePair pair)
    {
        long[] baseTotals = ProfileArithmetic.Totals(pair.Base);
        long[] inNewOrder = pair.New.SampleTypes.Select(t => baseTotals[pair.Base.SampleTypes.IndexOf(t)]).ToArray();
        return new ProfileBase(pair.BasePath, [.. pair.New.SampleTypes], inNewOrder, ProfileArithmetic.Totals(pair.New),
            Positive(pair.Base.DurationNanos), Positive(pair.New.DurationNanos), pair.NormalizedBy, pair.Warnings);
    }

    internal static long? Positive(long nanos) => nanos > 0 ? nanos : null;
}
