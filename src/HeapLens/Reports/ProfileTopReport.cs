using HeapLens.Profiles;

namespace HeapLens.Reports;

/// <summary>One function's line in a profile's `top`.</summary>
/// <param name="File">Its source file, null when unknown.</param>
/// <param name="Sum">Flat of this row and every row above it: what the top rows so far account for.</param>
public sealed record ProfileTopRow(
    string Name,
    string? File,
    long Flat,
    double FlatPercent,
    double SumPercent,
    long Cum,
    double CumPercent,
    long Sum);

/// <summary>
/// `top` of a pprof profile, as pprof shows it: per function, flat (as the leaf), cum (anywhere on the
/// stack) and the running sum of flat, in one sample type, with the profile's comments and duration.
/// </summary>
/// <param name="File">The profile file as given.</param>
/// <param name="Functions">The rows shown, biggest first.</param>
/// <param name="FunctionCount">How many functions the profile has in all (rows beyond the shown ones included).</param>
/// <param name="DurationNanos">How long the profile was recorded, null when it does not say.</param>
/// <param name="Base">
/// With --base: the profile subtracted. Values are then new minus base, and Total (what the shares are
/// of) is the sum of the changes' absolute values, as pprof's.
/// </param>
public sealed record ProfileTopReport(
    string File,
    string SampleType,
    string Unit,
    long Total,
    IReadOnlyList<ProfileTopRow> Functions,
    int FunctionCount,
    IReadOnlyList<string> Comments,
    long? DurationNanos,
    ProfileBase? Base = null)
{
    /// <summary>`top` of new minus base, as pprof -base shows it.</summary>
    public static ProfileTopReport Create(ProfilePair pair, string? sampleType, bool byCum, int rows) =>
        Create(pair.NewPath, pair.Difference(), sampleType, byCum, rows) with { Base = ProfileBase.Of(pair) };

    public static ProfileTopReport Create(string file, Profile profile, string? sampleType, bool byCum, int rows)
    {
        if (rows <= 0)
            throw new HeapLensException($"-n: the number of rows must be positive, not {rows}");
        var totals = FunctionTotals.Compute(new ProfileIndex(profile), sampleType, byCum);
        long sum = 0;
        var shown = new List<ProfileTopRow>();
        foreach (var f in totals.Functions.Take(rows))
        {
            sum += f.Flat;
            shown.Add(new ProfileTopRow(f.Name, f.FileName.Length == 0 ? null : f.FileName,
                f.Flat, Percent(f.Flat, totals.Total), Percent(sum, totals.Total),
                f.Cum, Percent(f.Cum, totals.Total), sum));
        }
        return new ProfileTopReport(file, totals.SampleType, totals.Unit, totals.Total, shown, totals.Functions.Count,
            [.. profile.Comments], profile.DurationNanos > 0 ? profile.DurationNanos : null);
    }

    /// <summary>A share in percent, to two decimals: JSON readers get the figure the text rounds further.</summary>
    public static double Percent(long part, long whole) => whole == 0 ? 0 : Math.Round(100.0 * part / whole, 2);
}
