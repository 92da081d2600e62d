using HeapLens.Reports;
using Spectre.Console;

namespace HeapLens.Cli.Views;

/// <summary>The text of `dominators`: one indented line per row, depth-first.</summary>
internal static class DominatorsView
{
    public static void Write(DominatorsReport report, IAnsiConsole console)
    {
        console.WriteLine(SnapshotHeaderText.Describe(report.Snapshot));
        console.WriteLine($"Reachable: {Sizes.Format(report.ReachableBytes)} in {Sizes.Count(report.ReachableObjects)} objects; rows under {report.MinPercent:0.##}% left out");
        console.WriteLine();
        console.WriteLine($"{"RETAINED",10} {"%HEAP",6}  OBJECTS");
        // Depth-first with an explicit stack: the tree can be as deep as --depth allows.
        var stack = new Stack<(DominatorRow Row, int Depth)>();
        for (int i = report.Roots.Count - 1; i >= 0; i--)
            stack.Push((report.Roots[i], 0));
        while (stack.Count > 0)
        {
            var (row, depth) = stack.Pop();
            console.WriteLine($"{Sizes.Format(row.RetainedBytes),10} {Sizes.Percent(row.RetainedBytes, report.ReachableBytes),6}  {new string(' ', 2 * depth)}{Describe(row)}");
            for (int i = row.Children.Count - 1; i >= 0; i--)
                stack.Push((row.Children[i], depth + 1));
        }
    }

    private static string Describe(DominatorRow row)
    {
        string type = TypeNames.Pretty(row.Type);
        string what = row.Count > 1 ? $"{Sizes.Count(row.Count)} x {type}" : type;
        return row.Root is { } root ? $"{what}  ({root})" : what;
    }
}
