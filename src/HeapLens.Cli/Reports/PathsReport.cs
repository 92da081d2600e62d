using HeapLens.Cli.Views;
using HeapLens.Cli.Infrastructure;
using HeapLens.Analysis;
using HeapLens.Snapshots;
using Spectre.Console;

namespace HeapLens.Cli.Reports;

internal sealed class PathsReport(HeapSnapshot snapshot, DominatorTree tree, ShortestPaths paths, int[] targets, string? query) : IReport
{
    public object ToJson() => new
    {
        paths = targets.Select(target => new
        {
            type = snapshot.TypeNameOf(target),
            address = Hex(target),
            retainedBytes = tree.RetainedSize[target],
            root = RootOf(target)?.ToString(),
            reachable = paths.IsReachable(target),
            hops = paths.PathTo(target).Select(node => new
            {
                type = snapshot.TypeNameOf(node),
                address = Hex(node),
                retainedBytes = tree.RetainedSize[node],
            }),
        }),
    };

    public void WriteText(IAnsiConsole console)
    {
        console.WriteLine(SnapshotHeaderText.Describe(snapshot));
        if (query is not null)
            console.WriteLine($"Shortest paths from GC roots to the {targets.Length} instance(s) of {TypeNames.Pretty(snapshot.TypeNameOf(targets[0]))} that retain the most");
        foreach (int target in targets)
        {
            console.WriteLine();
            console.WriteLine($"{TypeNames.Pretty(snapshot.TypeNameOf(target))} at {Hex(target)} retains {Sizes.Format(tree.RetainedSize[target])}");
            var path = paths.PathTo(target);
            if (path.Count == 0)
            {
                console.WriteLine("  not reachable from a strong GC root (held only by weak references, or garbage)");
                continue;
            }
            console.WriteLine($"  root: {RootOf(target)}");
            for (int hop = 0; hop < path.Count; hop++)
            {
                int node = path[hop];
                string arrow = hop == 0 ? "   " : "-> ";
                console.WriteLine($"  {new string(' ', 2 * hop)}{arrow}{TypeNames.Pretty(snapshot.TypeNameOf(node))} ({Sizes.Format(tree.RetainedSize[node])} retained)");
            }
        }
    }

    private RootLabel? RootOf(int node)
    {
        int root = paths.RootOf(node);
        return root < 0 ? null : new RootLabel(snapshot.Roots.Kinds[root], snapshot.Roots.NameOf(root));
    }

    private string Hex(int node) => $"0x{snapshot.Addresses[node]:x}";
}
