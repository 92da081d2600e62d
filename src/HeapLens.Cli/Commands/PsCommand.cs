using System.CommandLine;
using HeapLens.Cli.Infrastructure;
using HeapLens.Collection;
using Spectre.Console;

namespace HeapLens.Cli.Commands;

internal static class PsCommand
{
    public static Command Create()
    {
        var format = OutputFormatOption.Create();
        var command = new Command("ps", "List the .NET processes HeapLens can attach to.") { format };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            var processes = ProcessLocator.List();
            if (result.GetValue(format) == OutputFormat.Json)
            {
                OutputFormatOption.WriteJson(processes.Select(p => new { pid = p.Id, name = p.Name, commandLine = p.CommandLine }));
                return 0;
            }
            if (processes.Count == 0)
            {
                Console.Out.WriteLine("No .NET processes with a diagnostics port are running.");
                return 0;
            }
            var table = new Table().Border(TableBorder.None).HideRowSeparators();
            table.AddColumn(new TableColumn("PID").RightAligned());
            table.AddColumn("NAME");
            table.AddColumn("COMMAND LINE");
            foreach (var p in processes)
                table.AddRow(p.Id.ToString(), Markup.Escape(p.Name), Markup.Escape(p.CommandLine));
            Terminal.Out.Write(table);
            return 0;
        }));
        return command;
    }
}
