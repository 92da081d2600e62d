using System.CommandLine;
using HeapLens.Analysis;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Reports;

namespace HeapLens.Cli.Commands;

internal enum DiffGrouping { Type, Retainer }

internal static class DiffCommand
{
    public static Command Create()
    {
        var baseFile = new Argument<string>("base") { Description = "The earlier snapshot (.heapsnap)." };
        var newFile = new Argument<string>("new") { Description = "The later snapshot (.heapsnap)." };
        var by = new Option<DiffGrouping>("--by")
        {
            Description = "Compare per type, or per retainer (what holds the memory: a static field, a root kind).",
            DefaultValueFactory = _ => DiffGrouping.Type,
        };
        var rows = new Option<int>("--rows", "-n")
        {
            Description = "How many rows to show.",
            DefaultValueFactory = _ => 20,
        };
        var sort = new Option<TypeOrder>("--sort")
        {
            Description = "With --by type: sort by growth of retained bytes, shallow bytes or instance count.",
            DefaultValueFactory = _ => TypeOrder.Retained,
        };
        var format = OutputFormatOption.Create();
        var command = new Command("diff", "What grew between two snapshots of a process, and who holds it.")
        {
            baseFile, newFile, by, rows, sort, format,
        };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            int count = result.GetValue(rows);
            if (count <= 0)
                throw new HeapLensException("--rows must be a positive number");
            var before = SnapshotLoader.LoadAnalyzed(result.GetValue(baseFile)!);
            var after = SnapshotLoader.LoadAnalyzed(result.GetValue(newFile)!);
            var report = result.GetValue(by) == DiffGrouping.Type
                ? DiffReport.ByType(before, after, result.GetValue(sort), count)
                : DiffReport.ByRetainer(before, after, count);
            if (result.GetValue(format) == OutputFormat.Json)
                OutputFormatOption.WriteJson(report.ToJson());
            else
                report.WriteText(Terminal.Out);
            return 0;
        }));
        return command;
    }
}
