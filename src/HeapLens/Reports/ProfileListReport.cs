using System.Text.RegularExpressions;
using HeapLens.Profiles;
using ValueType = HeapLens.Profiles.ValueType;

namespace HeapLens.Reports;

/// <summary>What one source line allocated, one value per sample type, cumulative (the line and what it calls).</summary>
public sealed record ProfileListLine(long Line, long[] Values);

/// <summary>A line of a source file, as read.</summary>
public sealed record SourceLine(long Line, string Text);

/// <summary>One function of `list`.</summary>
/// <param name="SourceFile">Where the PDB says its source is; null without line information.</param>
/// <param name="SourceFound">True when the source file was read.</param>
/// <param name="Totals">What the function and its callees allocated, one value per sample type.</param>
/// <param name="Lines">The lines that allocated (line 0: code without a line).</param>
/// <param name="Source">
/// The source around the lines that allocated (a few lines of context before the first and after the
/// last); null when the file was not read or no allocating line is known.
/// </param>
public sealed record ProfileListFunction(
    string Name,
    string? SourceFile,
    bool SourceFound,
    long[] Totals,
    IReadOnlyList<ProfileListLine> Lines,
    IReadOnlyList<SourceLine>? Source);

/// <summary>
/// pprof-style `list`: for every function whose name matches, its source with what each line allocated,
/// one value per sample type. The source lines are part of the report, so every view shows the same text.
/// </summary>
/// <param name="Totals">The whole profile's totals per sample type, what the shares are of.</param>
/// <param name="Base">With --base: the profile subtracted (values are new minus base); null otherwise.</param>
public sealed record ProfileListReport(
    string File,
    IReadOnlyList<ValueType> SampleTypes,
    IReadOnlyList<ProfileListFunction> Functions,
    long[] Totals,
    ProfileBase? Base = null)
{
    /// <summary>`list` of new minus base, as pprof -base shows it: what each line allocated more (or less).</summary>
    public static ProfileListReport Create(ProfilePair pair, Regex functionName, Func<string, string[]?>? readSource = null) =>
        Create(pair.NewPath, pair.Difference(), functionName, readSource) with { Base = ProfileBase.Of(pair) };

    /// <summary>Lines of context shown around the first and last line that allocated.</summary>
    public const int ContextLines = 4;

    /// <param name="readSource">Reads a source file's lines, null when it cannot; by default from disk.</param>
    public static ProfileListReport Create(string file, Profile profile, Regex functionName, Func<string, string[]?>? readSource = null)
    {
        readSource ??= ReadSourceFile;
        var functions = FunctionLines.Compute(new ProfileIndex(profile), functionName);
        if (functions.Count == 0)
            throw new HeapLensException($"no function with allocations matches '{functionName}'");
        var shown = functions.Select(f =>
        {
            string[]? source = f.FileName.Length == 0 ? null : readSource(f.FileName);
            return new ProfileListFunction(f.Name, f.FileName.Length == 0 ? null : f.FileName, source is not null, f.Totals,
                f.Lines.Select(l => new ProfileListLine(l.Line, l.Values)).ToList(), Window(source, f.Lines));
        }).ToList();
        return new ProfileListReport(file, [.. profile.SampleTypes], shown, ProfileTotals(profile));
    }

    /// <summary>
    /// Every sample type's total over the whole profile: the sum of absolute values, as pprof's, so that
    /// shares stay meaningful in a difference of profiles (--base), where values can be negative.
    /// </summary>
    public static long[] ProfileTotals(Profile profile) =>
        profile.SampleTypes.Select((_, i) => profile.Samples.Sum(s => Math.Abs(s.Values[i]))).ToArray();

    private static IReadOnlyList<SourceLine>? Window(string[]? source, IReadOnlyList<LineTotal> lines)
    {
        var known = lines.Where(l => l.Line > 0).ToList();
        if (source is null || known.Count == 0)
            return null;
        long first = Math.Max(1, known[0].Line - ContextLines);
        long last = Math.Min(source.Length, known[^1].Line + ContextLines);
        var window = new List<SourceLine>();
        for (long line = first; line <= last; line++)
            window.Add(new SourceLine(line, source[line - 1].TrimEnd()));
        return window;
    }

    // Only regular files of bounded size: a profile is outside data and may name /dev/zero or a FIFO.
    private static string[]? ReadSourceFile(string fileName) => Profiles.SourceFile.TryReadLines(fileName);
}
