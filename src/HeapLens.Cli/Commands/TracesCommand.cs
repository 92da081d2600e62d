using System.CommandLine;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Views;
using HeapLens.Formats.Pprof;
using HeapLens.Reports;

namespace HeapLens.Cli.Commands;

/// <summary>heaplens traces: the heaviest full call stacks of a profile.</summary>
internal static class TracesCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A pprof profile (.pb.gz), e.g. from 'heaplens allocs'." };
        var rows = CommonOptions.Rows(10, "How many stacks to show.");
        var sample = CommonOptions.SampleType("The sample type to rank by: alloc_space, alloc_objects, inuse_space or inuse_objects (default: the profile's default, alloc_space).");
        var format = OutputFormatOption.Create();
        var baseline = new ProfileBaseOptions();
        var command = new Command("traces", "Show the heaviest full call stacks of a profile, allocated type first.")
        {
            file, rows, sample, baseline.Base, baseline.Normalize, format,
        };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            string path = result.GetValue(file)!;
            int count = result.PositiveRows(rows);
            var report = baseline.Pair(result, path) is { } pair
                ? ProfileTracesReport.Create(pair, result.GetValue(sample), count)
                : ProfileTracesReport.Create(path, ProfileLoader.Load(path), result.GetValue(sample), count);
            return ReportOutput.Write(report, result.GetValue(format), ProfileTracesView.Write);
        }));
        return command;
    }
}
