using HeapLens.Cli.Infrastructure;
using HeapLens.Analysis;
using HeapLens.Cli.Commands;
using HeapLens.Snapshots;
using Spectre.Console;

namespace HeapLens.Cli.Reports;

/// <summary>The `top` view of a snapshot: types by shallow or retained bytes or count, with totals on top.</summary>
internal sealed class TypeReport : IReport
{
    private readonly HeapSnapshot _snapshot;
    private readonly IReadOnlyList<TypeRetention> _rows;
    private readonly TypeOrder _order;

    private TypeReport(HeapSnapshot snapshot, IReadOnlyList<TypeRetention> rows, TypeOrder order)
    {
        _snapshot = snapshot;
        _rows = rows;
        _order = order;
    }

    public static TypeReport Create(HeapSnapshot snapshot, IEnumerable<TypeRetention> types, TypeOrder order, int rows) =>
        new(snapshot, types
            .Sort(order, t => (t.ShallowBytes, t.RetainedBytes, t.Count), t => t.TypeName)
            .Take(rows)
            .ToList(), order);

    public object ToJson() => new
    {
        totalObjects = (long)_snapshot.NodeCount,
        totalBytes = _snapshot.TotalBytes,
        types = _rows.Select(t => new { type = t.TypeName, count = t.Count, shallowBytes = t.ShallowBytes, retainedBytes = t.RetainedBytes }),
    };

    public void WriteText(IAnsiConsole console)
    {
        console.WriteLine(SnapshotHeader.Describe(_snapshot));
        console.WriteLine($"Total: {Sizes.Count(_snapshot.NodeCount)} objects, {Sizes.Format(_snapshot.TotalBytes)}; sorted by {_order.ToString().ToLowerInvariant()}");
        console.WriteLine();
        var table = new Table().Border(TableBorder.None).HideRowSeparators();
        table.AddColumn(new TableColumn("COUNT").RightAligned());
        table.AddColumn(new TableColumn("SHALLOW").RightAligned());
        table.AddColumn(new TableColumn("%").RightAligned());
        table.AddColumn(new TableColumn("RETAINED").RightAligned());
        table.AddColumn(new TableColumn("%").RightAligned());
        table.AddColumn("TYPE");
        foreach (var t in _rows)
        {
            table.AddRow(
                Sizes.Count(t.Count),
                Sizes.Format(t.ShallowBytes),
                Sizes.Percent(t.ShallowBytes, _snapshot.TotalBytes),
                Sizes.Format(t.RetainedBytes),
                Sizes.Percent(t.RetainedBytes, _snapshot.TotalBytes),
                Markup.Escape(TypeNames.Pretty(t.TypeName)));
        }
        console.Write(table);
    }
}
