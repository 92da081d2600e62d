using System.Text.RegularExpressions;

namespace HeapLens.Profiles;

/// <summary>
/// Two profiles about to be compared, base first, as pprof's -base takes them: checked to measure
/// the same things (pprof refuses "incompatible sample types" too), with the doubts worth saying
/// (another program, another runtime, unequal durations) and, on request, the new profile
/// normalized to the base's totals.
/// </summary>
public sealed class ProfilePair
{
    /// <summary>Durations further apart than this (relative) are worth a warning.</summary>
    public const double DurationTolerance = 0.05;

    private ProfilePair(string basePath, Profile baseProfile, string newPath, Profile newProfile, double[]? ratios, List<string> warnings)
    {
        BasePath = basePath;
        Base = baseProfile;
        NewPath = newPath;
        New = newProfile;
        NormalizedBy = ratios;
        Warnings = warnings;
    }

    public string BasePath { get; }
    public Profile Base { get; }
    public string NewPath { get; }
    /// <summary>The new profile, scaled to the base's totals when normalized.</summary>
    public Profile New { get; }
    /// <summary>Per sample type of <see cref="New"/>: the factor its values were scaled by; null unless normalized.</summary>
    public double[]? NormalizedBy { get; }
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>
    /// Checks that the profiles can be compared and, with <paramref name="normalize"/>, scales the new
    /// profile so that each sample type's total equals the base's, as pprof's -normalize does
    /// (profile.Normalize: the source, not the base, is scaled, each sample's value rounded).
    /// </summary>
    /// <exception cref="HeapLensException">A profile has no sample types, or the two have different ones.</exception>
    public static ProfilePair Create(string basePath, Profile baseProfile, string newPath, Profile newProfile, bool normalize)
    {
        foreach (var (path, profile) in new[] { (basePath, baseProfile), (newPath, newProfile) })
            if (profile.SampleTypes.Count == 0)
                throw new HeapLensException($"{path}: the profile is empty (it has no sample types); there is nothing to compare");
        if (!SameSampleTypes(baseProfile, newProfile))
            throw new HeapLensException(
                $"cannot compare {basePath} ({Describe(baseProfile)}) with {newPath} ({Describe(newProfile)}): they measure different things");
        var warnings = WarningsAbout(basePath, baseProfile, newPath, newProfile, normalize);
        if (!normalize)
            return new ProfilePair(basePath, baseProfile, newPath, newProfile, null, warnings);
        var (scaled, ratios) = ProfileArithmetic.ScaleToTotals(newProfile, baseProfile);
        return new ProfilePair(basePath, baseProfile, newPath, scaled, ratios, warnings);
    }

    /// <summary>B minus A, as one profile: what `top`, `list` and `traces` show with --base.</summary>
    public Profile Difference() => ProfileArithmetic.Subtract(New, Base);

    /// <summary>"alloc_objects (count), alloc_space (bytes)".</summary>
    public static string Describe(Profile profile) =>
        string.Join(", ", profile.SampleTypes.Select(t => $"{t.Type} ({t.Unit})"));

    /// <summary>The same (type, unit) pairs, in any order: values are matched by type name.</summary>
    private static bool SameSampleTypes(Profile a, Profile b) =>
        a.SampleTypes.Count == b.SampleTypes.Count && a.SampleTypes.ToHashSet().SetEquals(b.SampleTypes);

    private static List<string> WarningsAbout(string basePath, Profile a, string newPath, Profile b, bool normalize)
    {
        var warnings = new List<string>();
        string? programA = MainModule(a), programB = MainModule(b);
        if (programA is not null && programB is not null && programA != programB)
            warnings.Add($"the profiles come from different programs ({programA}, {programB})");
        else if (programA is not null && BuildId(a) is { } buildA && BuildId(b) is { } buildB && buildA != buildB)
            warnings.Add($"the profiles come from different builds of {programA} (build ids {buildA}, {buildB})");
        string? runtimeA = RuntimeVersion(a), runtimeB = RuntimeVersion(b);
        if (runtimeA is not null && runtimeB is not null && runtimeA != runtimeB)
            warnings.Add($"the profiles come from different .NET runtimes ({runtimeA}, {runtimeB})");
        if (b.TimeNanos != 0 && a.TimeNanos != 0 && b.TimeNanos < a.TimeNanos)
            warnings.Add("the new profile was recorded before the base one");
        foreach (var (path, profile) in new[] { (basePath, a), (newPath, b) })
            if (profile.Samples.Count == 0)
                warnings.Add($"{path} has no samples");
        if (!normalize && DurationsDiffer(a.DurationNanos, b.DurationNanos))
            warnings.Add($"the profiles cover different durations ({a.DurationNanos / 1e9:0.##}s and {b.DurationNanos / 1e9:0.##}s): " +
                         "--normalize scales the new profile to the base's totals, as pprof's -normalize does");
        return warnings;
    }

    public static bool DurationsDiffer(long a, long b) =>
        a > 0 && b > 0 && Math.Abs(a - b) > DurationTolerance * Math.Max(a, b);

    /// <summary>The profile's main module, what pprof shows as its "File": the first mapping.</summary>
    private static string? MainModule(Profile profile) =>
        profile.Mappings.Count > 0 && profile.Mappings[0].FileName.Length > 0 ? profile.Mappings[0].FileName : null;

    private static string? BuildId(Profile profile) =>
        profile.Mappings.Count > 0 && profile.Mappings[0].BuildId.Length > 0 ? profile.Mappings[0].BuildId : null;

    private static readonly Regex SharedRuntime = new(@"Microsoft\.NETCore\.App[\\/]([0-9][^\\/]*)[\\/]", RegexOptions.CultureInvariant);

    /// <summary>The .NET runtime version, read from where its assemblies were loaded (shared/Microsoft.NETCore.App/10.0.12/).</summary>
    private static string? RuntimeVersion(Profile profile)
    {
        foreach (var mapping in profile.Mappings)
            if (SharedRuntime.Match(mapping.FileName) is { Success: true } match)
                return match.Groups[1].Value;
        return null;
    }
}
