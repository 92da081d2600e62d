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
        var file = new Argument<string>("file") { Description = "A heap snapshot (.heapsnap)." };
        var rows = new Option<int>("--rows", "-n")
        {
            Description = "How many types to show.",
            DefaultValueFactory = _ => 20,
        };
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
            int count = result.GetValue(rows);
            if (count <= 0)
                throw new HeapLensException("--rows must be a positive number");
            var (snapshot, tree) = SnapshotLoader.LoadAnalyzed(path);
            var report = TypeReport.Create(snapshot, RetainedByType.Compute(snapshot, tree), result.GetValue(by), count);
            if (result.GetValue(format) == OutputFormat.Json)
                OutputFormatOption.WriteJson(report.ToJson());
            else
                report.WriteText(Terminal.Out);
            return 0;
        }));
        return command;
    }
}
