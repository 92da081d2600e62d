using HeapLens.Reports;
using Spectre.Console;

namespace HeapLens.Cli.Views;

/// <summary>The text of `paths`: per object, its root and one indented line per segment.</summary>
internal static class PathsView
{
    public static void Write(PathsReport report, IAnsiConsole console)
    {
        console.WriteLine(SnapshotHeaderText.Describe(report.Snapshot));
        if (report.Type is { } type)
            console.WriteLine($"Shortest paths from GC roots to the {report.Paths.Count} instance(s) of {TypeNames.Pretty(type)} that retain the most");
        foreach (string line in AllocationOriginsText.Lines(report.AllocatedAt, ""))
            console.WriteLine(line);
        foreach (var path in report.Paths)
        {
            console.WriteLine();
            console.WriteLine($"{TypeNames.Pretty(path.Type)} at {path.Address} retains {Sizes.Format(path.RetainedBytes)}");
            if (!path.Reachable)
            {
                console.WriteLine("  not reachable from a strong GC root (held only by weak references, or garbage)");
                continue;
            }
            console.WriteLine($"  root: {path.Root}");
            if (path.Length > path.Hops.Count)
                console.WriteLine($"  {Sizes.Count(path.Length)} objects long; runs of one type shown as one line");
            for (int hop = 0; hop < path.Hops.Count; hop++)
            {
                var segment = path.Hops[hop];
                string arrow = hop == 0 ? "   " : "-> ";
                console.WriteLine($"  {new string(' ', 2 * hop)}{arrow}{PathText.Segment(segment)}{PathText.Retained(segment)}");
            }
        }
    }
}
