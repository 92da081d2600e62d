using System.CommandLine;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Views;
using HeapLens.Explain;
using HeapLens.Explain.Sources;
using HeapLens.Profiles;
using HeapLens.Reports;

namespace HeapLens.Cli.Commands;

/// <summary>heaplens explain: why each hot line of an allocation profile allocates (causes found in the C# source).</summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var file = new Argument<string?>("profile") { Description = "A pprof profile (.pb.gz) from 'heaplens allocs'.", Arity = ArgumentArity.ZeroOrOne };
        var source = new Option<string?>("--source")
        {
            Description = "The code: a project (.csproj), a solution (.sln, .slnx) or a directory. Default: the project holding the profile's files.",
            HelpName = "dir|project|solution",
        };
        var rows = CommonOptions.Rows(10, "How many of the hottest lines to explain.");
        var sample = CommonOptions.SampleType("What 'hottest' is by: alloc_space (default) or alloc_objects.");
        var compare = new Option<string[]>("--compare")
        {
            Description = "Show per line what two profiles allocated: before and after a fix.",
            Arity = new ArgumentArity(2, 2),
            AllowMultipleArgumentsPerToken = true,
            HelpName = "before.pb.gz after.pb.gz",
        };
        var format = OutputFormatOption.Create();
        var command = new Command("explain",
            "Explain the hottest lines of an allocation profile: every compile-time cause of heap allocation on each, with its share and the fix.")
        {
            file, source, rows, sample, compare, format,
        };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            // Before anything can load an MSBuild type (see MSBuildRegistration); a missing SDK is only a note.
            string? noSdk = MSBuildRegistration.EnsureRegistered();
            int count = result.PositiveRows(rows);
            bool bySpace = BySpace(result.GetValue(sample));
            string[]? pair = result.GetValue(compare);
            string? path = result.GetValue(file);
            if (pair is { Length: 2 })
            {
                if (path is not null)
                    throw new HeapLensException("give either a profile or --compare BEFORE AFTER, not both");
                var report = ExplainCompareReport.Create(pair[0], ProfileLoader.Load(pair[0]), pair[1], ProfileLoader.Load(pair[1]), bySpace, count);
                return ReportOutput.Write(report, result.GetValue(format), ExplainCompareView.Write);
            }
            if (path is null)
                throw new HeapLensException("give a profile (heaplens explain PROFILE) or --compare BEFORE AFTER");
            var profile = ProfileLoader.Load(path);
            var sources = Sources(result.GetValue(source), profile, bySpace, noSdk);
            var explained = Explainer.Explain(path, profile, sources, count, bySpace);
            return ReportOutput.Write(explained, result.GetValue(format), ExplainView.Write);
        }));
        return command;
    }

    private static bool BySpace(string? sample) => sample switch
    {
        null or AllocationProfileBuilder.SpaceType => true,
        AllocationProfileBuilder.ObjectsType => false,
        _ => throw new HeapLensException($"--sample: '{sample}' is not a sample type of an allocation profile (alloc_space or alloc_objects)"),
    };

    /// <summary>The given sources; without --source, the project that holds the hottest line's file (or those files alone).</summary>
    private static SourceSet Sources(string? source, Profile profile, bool bySpace, string? noSdk)
    {
        if (source is not null)
            return SourceLoader.Load(source);
        var files = HotLines.Compute(profile, bySpace).Select(l => l.File).Distinct().ToList();
        string hottest = files[0];
        if (noSdk is null && SourceLoader.ProjectOf(hottest) is { } project)
            return SourceLoader.Load(project);
        var present = files.Where(File.Exists).ToList();
        if (present.Count == 0)
            throw new HeapLensException($"the profile's source files are not on this machine (first: {hottest}); give the code with --source DIR|PROJECT|SOLUTION");
        return SourceLoader.LooseFiles("the profile's source files", present,
            [noSdk ?? $"no project found above {hottest}: its files were analysed alone over the runtime's reference assemblies"], partial: true);
    }
}
