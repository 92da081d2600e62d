using HeapLens.Reports;
using Spectre.Console;

namespace HeapLens.Cli.Views;

/// <summary>The text of `diff`: a header comparing the two snapshots, then rows per type or per retainer.</summary>
internal static class DiffView
{
    public static void Write(DiffReport report, IAnsiConsole console)
    {
        foreach (string line in Header(report))
            console.WriteLine(line);
        console.WriteLine();
        if (report.Types is not null)
            WriteTypes(console, report.Types);
        if (report.Retainers is not null)
            WriteRetainers(console, report.Retainers);
    }

    private static IEnumerable<string> Header(DiffReport report)
    {
        var (a, b) = (report.Base, report.New);
        yield return $"Base: {Describe(a)}";
        yield return $"New:  {Describe(b)}, {report.SecondsBetween:0.0} s later";
        yield return $"Change: {Signed(b.TotalObjects - a.TotalObjects)} objects, {SignedSize(b.TotalBytes - a.TotalBytes)}";
        foreach (string warning in report.Warnings)
            yield return "warning: " + warning;
    }

    private static string Describe(DiffSide s) =>
        $"{s.ProcessName} (pid {s.ProcessId}) at {s.CaptureTime.UtcDateTime:HH:mm:ss} UTC: {Sizes.Count(s.TotalObjects)} objects, {Sizes.Format(s.TotalBytes)}";

    private static void WriteTypes(IAnsiConsole console, IReadOnlyList<TypeChangeRow> types)
    {
        var table = new Table().Border(TableBorder.None).HideRowSeparators();
        foreach (string column in new[] { "ΔRETAINED", "ΔSHALLOW", "ΔCOUNT", "BASE COUNT", "NEW COUNT" })
            table.AddColumn(new TableColumn(column).RightAligned());
        table.AddColumn("TYPE");
        foreach (var c in types)
        {
            string mark = c.Status switch { TypeChangeStatus.New => "  (new)", TypeChangeStatus.Vanished => "  (gone)", _ => "" };
            table.AddRow(SignedSize(c.DeltaRetainedBytes), SignedSize(c.DeltaShallowBytes), Signed(c.DeltaCount),
                Sizes.Count(c.BaseCount), Sizes.Count(c.NewCount), Markup.Escape(TypeNames.Pretty(c.Type) + mark));
        }
        console.Write(table);
    }

    private static void WriteRetainers(IAnsiConsole console, IReadOnlyList<RetainerChangeRow> retainers)
    {
        console.WriteLine($"{"ΔRETAINED",10} {"NOW",10}  RETAINER");
        foreach (var c in retainers)
            console.WriteLine($"{SignedSize(c.DeltaRetainedBytes),10} {Sizes.Format(c.NewRetainedBytes),10}  {Describe(c)}");
    }

    /// <summary>"static X.s_field (Dictionary&lt;…&gt;): +80,000 T".</summary>
    private static string Describe(RetainerChangeRow c)
    {
        string holder = c.RootName is not null ? $"{Holder(c)} ({TypeNames.Pretty(c.Type)})" : Holder(c);
        string described = AccumulatedGrowth(c) is { } grown ? $"{holder}: {grown}" : holder;
        return AllocatedAt(c) is { } site ? $"{described}, {site}" : described;
    }

    /// <summary>"allocated at RequestHandler.cs:29 LeakyService.RequestHandler.Handle (99.5%)": the top site of a snapshot taken with --allocs.</summary>
    public static string? AllocatedAt(RetainerChangeRow c) =>
        c.AllocatedAt is { Samples: > 0, Sites: [var top, ..] } origins
            ? $"allocated at {AllocationOriginsText.Where(top)} ({Sizes.Percent(top.Objects, origins.Objects)})"
            : null;

    /// <summary>A named root as "static X.s_field"; otherwise the objects and the kind of root that holds them.</summary>
    public static string Holder(RetainerChangeRow c) =>
        c.RootName is not null && c.Root is not null ? c.Root
            : $"{(c.Objects > 1 ? $"{Sizes.Count(c.Objects)} x " : "")}{TypeNames.Pretty(c.Type)} held by {c.Root ?? "no root"}";

    /// <summary>"+80,000 LeakyService.SessionState" when what accumulates grew in number.</summary>
    public static string? AccumulatedGrowth(RetainerChangeRow c) =>
        c.Accumulates is { DeltaCount: long grown } acc && grown != 0
            ? $"{Signed(grown)} {TypeNames.Pretty(acc.Type)}"
            : null;

    public static string Signed(long value) => (value > 0 ? "+" : "") + Sizes.Count(value);

    public static string SignedSize(long bytes) => bytes > 0 ? "+" + Sizes.Format(bytes) : Sizes.Format(bytes);
}
