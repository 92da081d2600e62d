using HeapLens.Analysis;
using HeapLens.Snapshots;
using Spectre.Console;

namespace HeapLens.Cli.Reports;

/// <summary>The `top` view of a snapshot: types by shallow bytes, with totals on top.</summary>
internal sealed class TypeReport
{
    private readonly HeapSnapshot _snapshot;
    private readonly IReadOnlyList<TypeStatistics> _rows;

    private TypeReport(HeapSnapshot snapshot, IReadOnlyList<TypeStatistics> rows)
    {
        _snapshot = snapshot;
        _rows = rows;
    }

    public static TypeReport Create(HeapSnapshot snapshot, IEnumerable<TypeStatistics> types, int rows) =>
        new(snapshot, types
            .OrderByDescending(t => t.ShallowBytes)
            .ThenByDescending(t => t.Count)
            .ThenBy(t => t.TypeName, StringComparer.Ordinal)
            .Take(rows)
            .ToList());

    public object ToJson() => new
    {
        totalObjects = (long)_snapshot.NodeCount,
        totalBytes = _snapshot.TotalBytes,
        types = _rows.Select(t => new { type = t.TypeName, count = t.Count, shallowBytes = t.ShallowBytes }),
    };

    public void WriteText(IAnsiConsole console)
    {
        console.WriteLine(SnapshotHeader.Describe(_snapshot));
        console.WriteLine($"Total: {Sizes.Count(_snapshot.NodeCount)} objects, {Sizes.Format(_snapshot.TotalBytes)}");
        console.WriteLine();
        var table = new Table().Border(TableBorder.None).HideRowSeparators();
        table.AddColumn(new TableColumn("COUNT").RightAligned());
        table.AddColumn(new TableColumn("SHALLOW").RightAligned());
        table.AddColumn(new TableColumn("%HEAP").RightAligned());
        table.AddColumn("TYPE");
        foreach (var t in _rows)
        {
            table.AddRow(
                Sizes.Count(t.Count),
                Sizes.Format(t.ShallowBytes),
                Sizes.Percent(t.ShallowBytes, _snapshot.TotalBytes),
                Markup.Escape(TypeNames.Pretty(t.TypeName)));
        }
        console.Write(table);
    }
}
