using System.Globalization;
using HeapLens.Reports;
using Spectre.Console;

namespace HeapLens.Cli.Views;

/// <summary>The text of `ps`: one row per process.</summary>
internal static class ProcessListView
{
    public static void Write(ProcessListReport report, IAnsiConsole console)
    {
        if (report.Processes.Count == 0)
        {
            console.WriteLine("No .NET processes with a diagnostics port are running.");
            return;
        }
        var table = new Table().Border(TableBorder.None).HideRowSeparators();
        table.AddColumn(new TableColumn("PID").RightAligned());
        table.AddColumn("NAME");
        table.AddColumn("COMMAND LINE");
        foreach (var p in report.Processes)
            table.AddRow(p.Pid.ToString(CultureInfo.InvariantCulture), Markup.Escape(p.Name), Markup.Escape(p.CommandLine));
        console.Write(table);
    }
}
