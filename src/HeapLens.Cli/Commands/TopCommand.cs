using System.CommandLine;
using HeapLens.Analysis;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Reports;
using HeapLens.Formats.HeapSnap;

namespace HeapLens.Cli.Commands;

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
        var format = OutputFormatOption.Create();
        var command = new Command("top", "The types that take the most memory in a snapshot.") { file, rows, format };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            string path = result.GetValue(file)!;
            int count = result.GetValue(rows);
            if (count <= 0)
                throw new HeapLensException("--rows must be a positive number");
            var snapshot = HeapSnapFile.Read(path);
            var report = TypeReport.Create(snapshot, TypeHistogram.Compute(snapshot), count);
            if (result.GetValue(format) == OutputFormat.Json)
                OutputFormatOption.WriteJson(report.ToJson());
            else
                report.WriteText(Terminal.Out);
            return 0;
        }));
        return command;
    }
}
