using HeapLens.Reports;
using Spectre.Console;

namespace HeapLens.Cli.Views;

/// <summary>The text of `top` on a profile, as pprof prints it: flat, flat%, sum%, cum, cum% per function.</summary>
internal static class ProfileTopView
{
    public static void Write(ProfileTopReport report, IAnsiConsole console)
    {
        console.WriteLine($"File: {Path.GetFileName(report.File)}");
        foreach (string comment in report.Comments)
            console.WriteLine(comment);
        console.WriteLine($"Type: {report.SampleType}");
        string total = ProfileValues.Format(report.Total, report.Unit);
        if (report.Base is { } b)
        {
            foreach (string line in ProfileBaseText.Lines(b, report.SampleType))
                console.WriteLine(line);
            console.WriteLine($"Shares are of {total}, the sum of the changes' absolute values (as pprof's)");
        }
        else
            console.WriteLine(report.DurationNanos is long nanos ? $"Duration: {nanos / 1e9:0.##}s, Total: {total}" : $"Total: {total}");
        if (report.Functions.Count < report.FunctionCount)
            console.WriteLine($"Showing top {report.Functions.Count} of {report.FunctionCount} functions");

        var table = new Table().Border(TableBorder.None).HideRowSeparators();
        foreach (string column in new[] { "flat", "flat%", "sum%", "cum", "cum%" })
            table.AddColumn(new TableColumn(column).RightAligned());
        table.AddColumn("function");
        foreach (var f in report.Functions)
        {
            table.AddRow(
                ProfileValues.Format(f.Flat, report.Unit), Sizes.Percent(f.Flat, report.Total), Sizes.Percent(f.Sum, report.Total),
                ProfileValues.Format(f.Cum, report.Unit), Sizes.Percent(f.Cum, report.Total), Markup.Escape(f.Name));
        }
        console.Write(table);
    }
}
