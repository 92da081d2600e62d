using System.CommandLine;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Views;
using HeapLens.Reports;

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
            var report = SuspectsReport.Create(SnapshotLoader.LoadAnalyzed(result.GetValue(file)!));
            return ReportOutput.Write(report, result.GetValue(format), SuspectsView.Write);
        }));
        return command;
    }
}
