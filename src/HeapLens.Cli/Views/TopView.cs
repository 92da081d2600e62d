using HeapLens.Reports;
using Spectre.Console;

namespace HeapLens.Cli.Views;

/// <summary>The text of `top` on a snapshot: totals, then one row per type.</summary>
internal static class TopView
{
    public static void Write(TopReport report, IAnsiConsole console)
    {
        console.WriteLine(SnapshotHeaderText.Describe(report.Snapshot));
        console.WriteLine($"Total: {Sizes.Count(report.TotalObjects)} objects, {Sizes.Format(report.TotalBytes)}; sorted by {report.SortedBy.ToString().ToLowerInvariant()}");
        console.WriteLine();
        var table = new Table().Border(TableBorder.None).HideRowSeparators();
        table.AddColumn(new TableColumn("COUNT").RightAligned());
        table.AddColumn(new TableColumn("SHALLOW").RightAligned());
        table.AddColumn(new TableColumn("%").RightAligned());
        table.AddColumn(new TableColumn("RETAINED").RightAligned());
        table.AddColumn(new TableColumn("%").RightAligned());
        table.AddColumn("TYPE");
        foreach (var t in report.Types)
        {
            table.AddRow(
                Sizes.Count(t.Count),
                Sizes.Format(t.ShallowBytes),
                Sizes.Percent(t.ShallowBytes, report.TotalBytes),
                Sizes.Format(t.RetainedBytes),
                Sizes.Percent(t.RetainedBytes, report.TotalBytes),
                Markup.Escape(TypeNames.Pretty(t.Type)));
        }
        console.Write(table);
    }
}
