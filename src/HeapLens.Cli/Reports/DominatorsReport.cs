using HeapLens.Cli.Views;
using HeapLens.Cli.Infrastructure;
using HeapLens.Analysis;
using HeapLens.Snapshots;
using Spectre.Console;

namespace HeapLens.Cli.Reports;

internal sealed class DominatorsReport(HeapSnapshot snapshot, DominatorTree tree, IReadOnlyList<DominatorGroup> groups, double minPercent) : IReport
{
    public object ToJson() => new
    {
        totalObjects = (long)snapshot.NodeCount,
        totalBytes = snapshot.TotalBytes,
        reachableBytes = tree.ReachableBytes,
        roots = groups.Select(ToJson),
    };

    private object ToJson(DominatorGroup g) => new
    {
        type = g.TypeName,
        count = g.Count,
        retainedBytes = g.RetainedBytes,
        shallowBytes = g.ShallowBytes,
        root = g.Root?.ToString(),
        address = g.Address is ulong a ? $"0x{a:x}" : null,
        children = g.Children.Select(ToJson),
    };

    public void WriteText(IAnsiConsole console)
    {
        console.WriteLine(SnapshotHeaderText.Describe(snapshot));
        console.WriteLine($"Reachable: {Sizes.Format(tree.ReachableBytes)} in {Sizes.Count(tree.ReachableCount)} objects; rows under {minPercent:0.##}% left out");
        console.WriteLine();
        console.WriteLine($"{"RETAINED",10} {"%HEAP",6}  OBJECTS");
        // Depth-first with an explicit stack: the tree can be as deep as --depth allows.
        var stack = new Stack<(DominatorGroup Group, int Depth)>();
        for (int i = groups.Count - 1; i >= 0; i--)
            stack.Push((groups[i], 0));
        while (stack.Count > 0)
        {
            var (group, depth) = stack.Pop();
            console.WriteLine($"{Sizes.Format(group.RetainedBytes),10} {Sizes.Percent(group.RetainedBytes, tree.ReachableBytes),6}  {new string(' ', 2 * depth)}{Describe(group)}");
            for (int i = group.Children.Count - 1; i >= 0; i--)
                stack.Push((group.Children[i], depth + 1));
        }
    }

    internal static string Describe(DominatorGroup group)
    {
        string type = TypeNames.Pretty(group.TypeName);
        string what = group.Count > 1 ? $"{Sizes.Count(group.Count)} x {type}" : type;
        return group.Root is { } root ? $"{what}  ({root})" : what;
    }
}
