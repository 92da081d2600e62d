using System.CommandLine;
using HeapLens.Analysis;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Reports;

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
            if (!(percent >= 0 && percent <= 100)) // NaN compares false both ways: refused too
                throw new HeapLensException("--min-percent must be between 0 and 100");
            var (snapshot, tree) = SnapshotLoader.LoadAnalyzed(result.GetValue(file)!);
            long minBytes = Math.Max(1, (long)(tree.ReachableBytes * percent / 100));
            var groups = DominatorGroups.Build(snapshot, tree, new RootLabels(snapshot), levels, minBytes);
            var report = new DominatorsReport(snapshot, tree, groups, percent);
            return Report.Write(report, result.GetValue(format));
        }));
        return command;
    }
}
