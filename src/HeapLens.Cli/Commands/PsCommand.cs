using System.CommandLine;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Views;
using HeapLens.Collection;
using HeapLens.Reports;

namespace HeapLens.Cli.Commands;

internal static class PsCommand
{
    public static Command Create()
    {
        var format = OutputFormatOption.Create();
        var command = new Command("ps", "List the .NET processes HeapLens can attach to.") { format };
        command.SetAction(result => CommandRunner.Run(() =>
            ReportOutput.Write(ProcessListReport.Create(ProcessLocator.List()), result.GetValue(format), ProcessListView.Write)));
        return command;
    }
}
