using HeapLens.Reports;
using Spectre.Console;

namespace HeapLens.Cli.Views;

/// <summary>The text of `explain --compare`: per line, before, after and the change.</summary>
internal static class ExplainCompareView
{
    public static void Write(ExplainCompareReport report, IAnsiConsole console)
    {
        bool space = report.SampleType == "alloc_space";
        console.WriteLine($"Before: {report.Before} ({Value(report.BeforeTotal, space)} {report.SampleType})");
        console.WriteLine($"After:  {report.After} ({Value(report.AfterTotal, space)} {report.SampleType})");
        console.WriteLine();
        var table = new Table().Border(TableBorder.None).HideRowSeparators();
        table.AddColumn(new TableColumn("BEFORE").RightAligned());
        table.AddColumn(new TableColumn("AFTER").RightAligned());
        table.AddColumn(new TableColumn("CHANGE").RightAligned());
        table.AddColumn("LINE");
        foreach (var line in report.Lines)
        {
            long before = space ? line.BeforeSpace : line.BeforeObjects;
            long after = space ? line.AfterSpace : line.AfterObjects;
            table.AddRow(Value(before, space), Value(after, space),
                line.Change is { } change ? change.ToString("+0.0;-0.0;0.0", System.Globalization.CultureInfo.InvariantCulture) + "%" : "new",
                Markup.Escape($"{line.Function}:{line.Line} ({Path.GetFileName(line.File)})"));
        }
        console.Write(table);
    }

    private static string Value(long value, bool space) => space ? Sizes.Format(value) : Sizes.Count(value);
}
