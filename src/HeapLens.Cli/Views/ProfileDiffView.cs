using HeapLens.Profiles;
using HeapLens.Reports;
using Spectre.Console;

namespace HeapLens.Cli.Views;

/// <summary>
/// The text of a profile `diff`: both profiles' totals, then one row per function or source line
/// (change of flat and cum, then both sides), or one block per stack.
/// </summary>
internal static class ProfileDiffView
{
    public static void Write(ProfileDiffReport report, IAnsiConsole console)
    {
        string unit = report.Unit;
        foreach (string comment in report.Comments)
            console.WriteLine(comment);
        console.WriteLine($"Type: {report.SampleType}");
        console.WriteLine($"Base: {Describe(report.Base, unit)}");
        string normalized = report.NormalizedBy is double ratio ? $" (normalized: scaled by {ratio:0.####})" : "";
        console.WriteLine($"New:  {Describe(report.New, unit)}{normalized}");
        console.WriteLine($"Change: {ProfileValues.Signed(report.Change, unit)}" +
                          (report.Base.Total != 0 ? $" ({Percent(report.Change, report.Base.Total)} of the base)" : ""));
        foreach (string warning in report.Warnings)
            console.WriteLine("warning: " + warning);
        string what = report.By switch { ProfileGrouping.Function => "functions", ProfileGrouping.Line => "source lines", _ => "stacks" };
        string order = report.By == ProfileGrouping.Stack ? "" : $" of {report.SortedBy}";
        console.WriteLine($"Showing {report.Rows.Count} of {report.RowCount} {what}, biggest absolute change{order} first");
        console.WriteLine();
        if (report.By == ProfileGrouping.Stack)
            WriteStacks(report, console);
        else
            WriteRows(report, console);
    }

    private static string Describe(ProfileDiffSide side, string unit) =>
        $"{Path.GetFileName(side.File)}: {ProfileValues.Format(side.Total, unit)}{ProfileBaseText.Over(side.DurationNanos)}" +
        (side.StartTime is { } start ? $", from {start.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC" : "");

    private static void WriteRows(ProfileDiffReport report, IAnsiConsole console)
    {
        string unit = report.Unit;
        var table = new Table().Border(TableBorder.None).HideRowSeparators();
        foreach (string column in new[] { "Δflat", "Δcum", "base flat", "new flat", "base cum", "new cum" })
            table.AddColumn(new TableColumn(column).RightAligned());
        table.AddColumn(report.By == ProfileGrouping.Line ? "line" : "function");
        foreach (var row in report.Rows)
        {
            string name = report.By == ProfileGrouping.Line && row.File is { } file
                ? $"{Path.GetFileName(file)}:{row.Line} {row.Name}"
                : row.Name;
            table.AddRow(
                ProfileValues.Signed(row.DeltaFlat, unit), ProfileValues.Signed(row.DeltaCum, unit),
                ProfileValues.Format(row.BaseFlat, unit), ProfileValues.Format(row.NewFlat, unit),
                ProfileValues.Format(row.BaseCum, unit), ProfileValues.Format(row.NewCum, unit),
                Markup.Escape(name + Mark(row.Status)));
        }
        console.Write(table);
    }

    private static void WriteStacks(ProfileDiffReport report, IAnsiConsole console)
    {
        string rule = new('-', 72);
        foreach (var row in report.Rows)
        {
            console.WriteLine(rule);
            console.WriteLine($"{ProfileValues.Signed(row.DeltaFlat, report.Unit)}   base {ProfileValues.Format(row.BaseFlat, report.Unit)}, " +
                              $"new {ProfileValues.Format(row.NewFlat, report.Unit)}{Mark(row.Status)}");
            foreach (var frame in row.Frames ?? [])
            {
                string where = frame.File is { } file ? $"  {Path.GetFileName(file)}:{frame.Line ?? 0}" : "";
                console.WriteLine($"    {frame.Function}{where}");
            }
        }
        console.WriteLine(rule);
    }

    private static string Mark(ProfileChangeStatus status) => status switch
    {
        ProfileChangeStatus.New => "  (new)",
        ProfileChangeStatus.Vanished => "  (gone)",
        _ => "",
    };

    private static string Percent(long part, long whole) =>
        (part > 0 ? "+" : "") + Sizes.Percent(part, Math.Abs(whole));
}
