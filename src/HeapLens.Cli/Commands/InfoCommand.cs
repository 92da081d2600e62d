using System.CommandLine;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Views;
using HeapLens.Reports;
using HeapLens.Formats.HeapSnap;

namespace HeapLens.Cli.Commands;

internal static class InfoCommand
{
    public static Command Create()
    {
        var file = CommonOptions.SnapshotFile();
        var format = OutputFormatOption.Create();
        var command = new Command("info", "Where and when a snapshot was taken, and how big it is.") { file, format };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            string path = result.GetValue(file)!;
            var snapshot = HeapSnapFile.Read(path);
            var report = InfoReport.Create(snapshot, new FileInfo(path).Length);
            return ReportOutput.Write(report, result.GetValue(format), InfoView.Write);
        }));
        return command;
    }
}
