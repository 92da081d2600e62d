using System.CommandLine;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Views;
using HeapLens.Formats.Pprof;
using HeapLens.Profiles;
using HeapLens.Reports;

namespace HeapLens.Cli.Commands;

/// <summary>
/// `heaplens top` for pprof profiles. The top command itself decides between a heap snapshot and a
/// profile from the file's content (<see cref="PprofFile.LooksLikeProfile"/>) and calls <see cref="Run"/>.
/// </summary>
internal static class ProfileTop
{
    public static Option<string?> Sample { get; } = CommonOptions.SampleType(
        "Profiles: the sample type to rank by: alloc_space, alloc_objects, inuse_space or inuse_objects (default: the profile's default, alloc_space).");

    public static Option<bool> Cum { get; } = new("--cum")
    {
        Description = "Profiles: sort by cumulative value (the function and everything it calls) instead of flat.",
    };

    /// <summary>--base and --normalize: top of the profile minus a base.</summary>
    public static ProfileBaseOptions Base { get; } = new();

    public static int Run(string path, string? sample, bool cum, int rows, OutputFormat format, ProfilePair? pair = null)
    {
        if (rows <= 0)
            throw new HeapLensException("--rows must be a positive number");
        var report = pair is null
            ? ProfileTopReport.Create(path, ProfileLoader.Load(path), sample, cum, rows)
            : ProfileTopReport.Create(pair, sample, cum, rows);
        return ReportOutput.Write(report, format, ProfileTopView.Write);
    }
}
