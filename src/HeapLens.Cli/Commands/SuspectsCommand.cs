using System.CommandLine;
using HeapLens.Analysis;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Reports;

namespace HeapLens.Cli.Commands;

internal static class SuspectsCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A heap snapshot (.heapsnap)." };
        var format = OutputFormatOption.Create();
        var command = new Command("suspects", "Leak suspects: what retains 10% of the heap or more, and where it accumulates.") { file, format };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            var (snapshot, tree) = SnapshotLoader.LoadAnalyzed(result.GetValue(file)!);
            var report = SuspectsReport.Create(snapshot, tree);
            if (result.GetValue(format) == OutputFormat.Json)
                OutputFormatOption.WriteJson(report.ToJson());
            else
                report.WriteText(Terminal.Out);
            return 0;
        }));
        return command;
    }
}
