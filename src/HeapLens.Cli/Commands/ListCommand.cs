using System.CommandLine;
using System.Text.RegularExpressions;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Views;
using HeapLens.Formats.Pprof;
using HeapLens.Reports;

namespace HeapLens.Cli.Commands;

/// <summary>heaplens list: source of matching functions with the allocations of each line.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A pprof profile (.pb.gz), e.g. from 'heaplens allocs'." };
        var pattern = new Argument<string>("regex") { Description = "A regular expression matched against function names." };
        var format = OutputFormatOption.Create();
        var baseline = new ProfileBaseOptions();
        var command = new Command("list",
            "Show the source of the functions matching REGEX with the bytes and objects allocated under each line.")
        {
            file, pattern, baseline.Base, baseline.Normalize, format,
        };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            string path = result.GetValue(file)!;
            var regex = Compile(result.GetValue(pattern)!);
            var report = baseline.Pair(result, path) is { } pair
                ? ProfileListReport.Create(pair, regex)
                : ProfileListReport.Create(path, ProfileLoader.Load(path), regex);
            return ReportOutput.Write(report, result.GetValue(format), ProfileListView.Write);
        }));
        return command;
    }

    private static Regex Compile(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw new HeapLensException($"'{pattern}' is not a valid regular expression: {e.Message}");
        }
    }
}
