using System.CommandLine;
using HeapLens.Analysis;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Reports;

namespace HeapLens.Cli.Commands;

internal static class SuspectsCommand
{
    public static Command Create()
    {
        var file = CommonOptions.SnapshotFile();
        var format = OutputFormatOption.Create();
        var command = new Command("suspects", "Leak suspects: what retains 10% of the heap or more, and where it accumulates.") { file, format };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            var (snapshot, tree) = SnapshotLoader.LoadAnalyzed(result.GetValue(file)!);
            var report = SuspectsReport.Create(snapshot, tree);
            return Report.Write(report, result.GetValue(format));
        }));
        return command;
    }
}
