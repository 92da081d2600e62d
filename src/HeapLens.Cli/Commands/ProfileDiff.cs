using System.CommandLine;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Views;
using HeapLens.Profiles;
using HeapLens.Reports;

namespace HeapLens.Cli.Commands;

/// <summary>
/// `heaplens diff` for pprof profiles. The diff command decides between snapshots and profiles from
/// the files' content, as `top` does, and calls <see cref="Run"/> for two profiles.
/// </summary>
internal static class ProfileDiff
{
    public static Option<string?> Sample { get; } = CommonOptions.SampleType(
        "Profiles: the sample type to compare, e.g. alloc_space or alloc_objects (default: the profile's default).");

    public static Option<bool> Cum { get; } = new("--cum")
    {
        Description = "Profiles: sort by the change of cum (the function or line and everything it calls) instead of flat.",
    };

    public static Option<bool> Normalize { get; } = ProfileBaseOptions.Normalization();

    public static int Run(ParseResult result, string basePath, string newPath, DiffGrouping by, int rows, OutputFormat format)
    {
        var grouping = by switch
        {
            DiffGrouping.Function => ProfileGrouping.Function,
            DiffGrouping.Line => ProfileGrouping.Line,
            DiffGrouping.Stack => ProfileGrouping.Stack,
            _ => throw new HeapLensException($"--by {by.ToString().ToLowerInvariant()} is for heap snapshots; profiles compare by function, line or stack"),
        };
        var pair = ProfileLoader.LoadPair(basePath, newPath, result.GetValue(Normalize));
        var report = ProfileDiffReport.Create(pair, result.GetValue(Sample), grouping, result.GetValue(Cum), rows);
        return ReportOutput.Write(report, format, ProfileDiffView.Write);
    }

    /// <summary>Options that only profiles take, refused for snapshots rather than silently ignored.</summary>
    public static void RefuseForSnapshots(ParseResult result)
    {
        foreach (var option in new Option[] { Sample, Cum, Normalize })
            if (result.GetResult(option) is { Implicit: false })
                throw new HeapLensException($"{option.Name} is for profiles; heap snapshots are compared with --by type or --by retainer");
    }
}
