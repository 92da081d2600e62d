using System.CommandLine;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Views;
using HeapLens.Reports;

namespace HeapLens.Cli.Commands;

internal enum DiffGrouping { Type, Retainer }

internal static class DiffCommand
{
    public static Command Create()
    {
        var baseFile = CommonOptions.SnapshotFile("base", "The earlier snapshot (.heapsnap).");
        var newFile = CommonOptions.SnapshotFile("new", "The later snapshot (.heapsnap).");
        var by = CommonOptions.Choice("--by",
            "Compare per type, or per retainer (what holds the memory: a static field, a root kind).", DiffGrouping.Type);
        var rows = CommonOptions.Rows(20, "How many rows to show.");
        var sort = TypeOrderOption.Create("--sort",
            "With --by type: sort by growth of retained bytes, shallow bytes or instance count.",
            TypeOrder.Retained);
        var format = OutputFormatOption.Create();
        var command = new Command("diff", "What grew between two snapshots of a process, and who holds it.")
        {
            baseFile, newFile, by, rows, sort, format,
        };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            int count = result.PositiveRows(rows);
            var before = SnapshotLoader.LoadAnalyzed(result.GetValue(baseFile)!);
            var after = SnapshotLoader.LoadAnalyzed(result.GetValue(newFile)!);
            var report = result.GetValue(by) == DiffGrouping.Type
                ? DiffReport.ByType(before, after, result.GetValue(sort), count)
                : DiffReport.ByRetainer(before, after, count);
            return ReportOutput.Write(report, result.GetValue(format), DiffView.Write);
        }));
        return command;
    }
}
