using System.CommandLine;
using HeapLens.Analysis;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Reports;

namespace HeapLens.Cli.Commands;

internal enum TypeOrder { Shallow, Retained, Count }

internal static class TopCommand
{
    public static Command Create()
    {
        var file = CommonOptions.SnapshotFile();
        var rows = CommonOptions.Rows(20, "How many types to show.");
        var by = new Option<TypeOrder>("--by")
        {
            Description = "Sort by shallow bytes, retained bytes (what the type's instances keep alive) or instance count.",
            DefaultValueFactory = _ => TypeOrder.Shallow,
        };
        var format = OutputFormatOption.Create();
        var command = new Command("top", "The types that take the most memory in a snapshot.") { file, rows, by, format };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            string path = result.GetValue(file)!;
            int count = result.PositiveRows(rows);
            var (snapshot, tree) = SnapshotLoader.LoadAnalyzed(path);
            var report = TypeReport.Create(snapshot, RetainedByType.Compute(snapshot, tree), result.GetValue(by), count);
            return Report.Write(report, result.GetValue(format));
        }));
        return command;
    }
}
