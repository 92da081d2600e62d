using HeapLens.Analysis;
using HeapLens.Cli.Commands;
using HeapLens.Cli.Infrastructure;
using HeapLens.Snapshots;
using Spectre.Console;

using HeapLens.Reports;

namespace HeapLens.Cli.Reports;

/// <summary>The `diff` view: a header comparing the two snapshots, then rows per type or per retainer.</summary>
internal sealed class DiffReport : IReport
{
    private readonly AnalyzedSnapshot _before;
    private readonly AnalyzedSnapshot _after;
    private readonly IReadOnlyList<TypeChange>? _types;
    private readonly IReadOnlyList<RetainerChange>? _retainers;

    private DiffReport(AnalyzedSnapshot before, AnalyzedSnapshot after, IReadOnlyList<TypeChange>? types, IReadOnlyList<RetainerChange>? retainers)
    {
        _before = before;
        _after = after;
        _types = types;
        _retainers = retainers;
    }

    public static DiffReport ByType(AnalyzedSnapshot before, AnalyzedSnapshot after, TypeOrder order, int rows)
    {
        var changes = TypeDiff.Compute(
            RetainedByType.Compute(before.Snapshot, before.Tree),
            RetainedByType.Compute(after.Snapshot, after.Tree));
        var sorted = changes
            .Sort(order, c => (c.DeltaShallowBytes, c.DeltaRetainedBytes, c.DeltaCount), c => c.TypeName)
            .Take(rows)
            .ToList();
        return new DiffReport(before, after, sorted, null);
    }

    public static DiffReport ByRetainer(AnalyzedSnapshot before, AnalyzedSnapshot after, int rows) =>
        new(before, after, null, Growth(before, after).Take(rows).ToList());

    /// <summary>Retainers, biggest growth first.</summary>
    public static IEnumerable<RetainerChange> Growth(AnalyzedSnapshot before, AnalyzedSnapshot after) =>
        RetainerDiff.Compute(
                Retainers.Compute(before.Snapshot, before.Tree),
                Retainers.Compute(after.Snapshot, after.Tree))
            .OrderByDescending(c => c.DeltaRetainedBytes)
            .ThenBy(c => c.Signature, StringComparer.Ordinal);

    private IEnumerable<string> Warnings()
    {
        var a = _before.Snapshot.Metadata;
        var b = _after.Snapshot.Metadata;
        if (a.ProcessId != b.ProcessId || a.ProcessName != b.ProcessName)
            yield return $"the snapshots come from different processes ({a.ProcessName} pid {a.ProcessId}, {b.ProcessName} pid {b.ProcessId})";
        if (b.CaptureTime < a.CaptureTime)
            yield return "the new snapshot was taken before the base one";
    }

    public object ToJson() => new
    {
        @base = Totals(_before),
        @new = Totals(_after),
        secondsBetween = (_after.Snapshot.Metadata.CaptureTime - _before.Snapshot.Metadata.CaptureTime).TotalSeconds,
        warnings = Warnings().ToList(),
        types = _types?.Select(c => new
        {
            type = c.TypeName,
            status = c.IsNew ? "new" : c.Vanished ? "vanished" : c.DeltaCount == 0 && c.DeltaRetainedBytes == 0 ? "unchanged" : "changed",
            baseCount = c.BaseCount,
            newCount = c.NewCount,
            deltaCount = c.DeltaCount,
            baseShallowBytes = c.BaseShallowBytes,
            newShallowBytes = c.NewShallowBytes,
            deltaShallowBytes = c.DeltaShallowBytes,
            baseRetainedBytes = c.BaseRetainedBytes,
            newRetainedBytes = c.NewRetainedBytes,
            deltaRetainedBytes = c.DeltaRetainedBytes,
        }),
        retainers = _retainers?.Select(c => new
        {
            retainer = c.Signature,
            root = (c.New ?? c.Base)!.Root?.ToString(),
            type = (c.New ?? c.Base)!.TypeName,
            baseRetainedBytes = c.Base?.RetainedBytes ?? 0,
            newRetainedBytes = c.New?.RetainedBytes ?? 0,
            deltaRetainedBytes = c.DeltaRetainedBytes,
            path = (c.New ?? c.Base)!.Chain,
            accumulates = c.New?.Accumulates is { } acc ? new
            {
                type = acc.TypeName,
                baseCount = c.Base?.Accumulates is { } b && b.TypeName == acc.TypeName ? b.Count : 0,
                newCount = acc.Count,
                deltaCount = c.DeltaAccumulated,
            } : null,
        }),
    };

    private static object Totals(AnalyzedSnapshot s) => new
    {
        processId = s.Snapshot.Metadata.ProcessId,
        processName = s.Snapshot.Metadata.ProcessName,
        captureTime = s.Snapshot.Metadata.CaptureTime,
        totalObjects = (long)s.Snapshot.NodeCount,
        totalBytes = s.Snapshot.TotalBytes,
    };

    public void WriteText(IAnsiConsole console)
    {
        foreach (string line in Header())
            console.WriteLine(line);
        console.WriteLine();
        if (_types is not null)
            WriteTypes(console, _types);
        if (_retainers is not null)
            WriteRetainers(console, _retainers);
    }

    public IEnumerable<string> Header()
    {
        var a = _before.Snapshot;
        var b = _after.Snapshot;
        yield return $"Base: {Describe(a)}";
        yield return $"New:  {Describe(b)}, {(b.Metadata.CaptureTime - a.Metadata.CaptureTime).TotalSeconds:0.0} s later";
        yield return $"Change: {Signed(b.NodeCount - (long)a.NodeCount)} objects, {SignedSize(b.TotalBytes - a.TotalBytes)}";
        foreach (string warning in Warnings())
            yield return "warning: " + warning;
    }

    private static string Describe(HeapSnapshot s) =>
        $"{s.Metadata.ProcessName} (pid {s.Metadata.ProcessId}) at {s.Metadata.CaptureTime.UtcDateTime:HH:mm:ss} UTC: {Sizes.Count(s.NodeCount)} objects, {Sizes.Format(s.TotalBytes)}";

    private static void WriteTypes(IAnsiConsole console, IReadOnlyList<TypeChange> types)
    {
        var table = new Table().Border(TableBorder.None).HideRowSeparators();
        foreach (string column in new[] { "ΔRETAINED", "ΔSHALLOW", "ΔCOUNT", "BASE COUNT", "NEW COUNT" })
            table.AddColumn(new TableColumn(column).RightAligned());
        table.AddColumn("TYPE");
        foreach (var c in types)
        {
            string mark = c.IsNew ? "  (new)" : c.Vanished ? "  (gone)" : "";
            table.AddRow(SignedSize(c.DeltaRetainedBytes), SignedSize(c.DeltaShallowBytes), Signed(c.DeltaCount),
                Sizes.Count(c.BaseCount), Sizes.Count(c.NewCount), Markup.Escape(TypeNames.Pretty(c.TypeName) + mark));
        }
        console.Write(table);
    }

    private static void WriteRetainers(IAnsiConsole console, IReadOnlyList<RetainerChange> retainers)
    {
        console.WriteLine($"{"ΔRETAINED",10} {"NOW",10}  RETAINER");
        foreach (var c in retainers)
            console.WriteLine($"{SignedSize(c.DeltaRetainedBytes),10} {Sizes.Format(c.New?.RetainedBytes ?? 0),10}  {Describe(c)}");
    }

    /// <summary>"static X.s_field (Dictionary&lt;…&gt;): +80,000 T".</summary>
    public static string Describe(RetainerChange c)
    {
        var r = (c.New ?? c.Base)!;
        string holder = r.Root is { Name: not null } ? $"{Holder(c)} ({TypeNames.Pretty(r.TypeName)})" : Holder(c);
        return AccumulatedGrowth(c) is { } grown ? $"{holder}: {grown}" : holder;
    }

    /// <summary>A named root as "static X.s_field"; otherwise the objects and the kind of root that holds them.</summary>
    public static string Holder(RetainerChange c)
    {
        var r = (c.New ?? c.Base)!;
        return r.Root is { Name: not null } named ? named.ToString()
            : $"{(r.Objects > 1 ? $"{Sizes.Count(r.Objects)} x " : "")}{TypeNames.Pretty(r.TypeName)} held by {r.Root?.ToString() ?? "no root"}";
    }

    /// <summary>"+80,000 LeakyService.SessionState" when what accumulates grew in number.</summary>
    public static string? AccumulatedGrowth(RetainerChange c) =>
        c.DeltaAccumulated is long grown && grown != 0 && c.New?.Accumulates is { } acc
            ? $"{Signed(grown)} {TypeNames.Pretty(acc.TypeName)}"
            : null;

    private static string Signed(long value) => (value > 0 ? "+" : "") + Sizes.Count(value);

    private static string SignedSize(long bytes) => bytes > 0 ? "+" + Sizes.Format(bytes) : Sizes.Format(bytes);
}
