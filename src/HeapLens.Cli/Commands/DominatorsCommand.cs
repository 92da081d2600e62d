using System.CommandLine;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Views;
using HeapLens.Reports;

namespace HeapLens.Cli.Commands;

internal static class DominatorsCommand
{
    public static Command Create()
    {
        var file = CommonOptions.SnapshotFile();
        var depth = new Option<int>("--depth")
        {
            Description = "How many levels below the GC roots to show.",
            DefaultValueFactory = _ => 6,
        };
        var minPercent = new Option<double>("--min-percent")
        {
            Description = "Leave out rows retaining less than this share of the heap.",
            DefaultValueFactory = _ => 1.0,
        };
        var format = OutputFormatOption.Create();
        var command = new Command("dominators", "The dominator tree: what keeps how much memory alive, from the GC roots down.")
        {
            file, depth, minPercent, format,
        };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            int levels = result.GetValue(depth);
            double percent = result.GetValue(minPercent);
            if (levels <= 0)
                throw new HeapLensException("--depth must be a positive number");
            if (levels > DominatorsReport.MaxDepth)
                throw new HeapLensException($"--depth can be at most {DominatorsReport.MaxDepth}");
            if (!(percent >= 0 && percent <= 100)) // NaN compares false both ways: refused too
                throw new HeapLensException("--min-percent must be between 0 and 100");
            var report = DominatorsReport.Create(SnapshotLoader.LoadAnalyzed(result.GetValue(file)!), levels, percent);
            return ReportOutput.Write(report, result.GetValue(format), DominatorsView.Write);
        }));
        return command;
    }
}
