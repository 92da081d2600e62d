using HeapLens.Reports;
using Spectre.Console;

namespace HeapLens.Cli.Views;

/// <summary>The text of `suspects`: a few lines per suspect.</summary>
internal static class SuspectsView
{
    public static void Write(SuspectsReport report, IAnsiConsole console)
    {
        console.WriteLine(SnapshotHeaderText.Describe(report.Snapshot));
        if (report.Suspects.Count == 0)
        {
            console.WriteLine($"No leak suspects: nothing retains {report.SuspectShare:P0} of the {Sizes.Format(report.TotalBytes)} heap.");
            return;
        }
        foreach (var suspect in report.Suspects)
        {
            console.WriteLine();
            foreach (string line in Lines(suspect, report.TotalBytes))
                console.WriteLine(line);
        }
    }

    /// <summary>A suspect in a few lines; also in the demo.</summary>
    public static IEnumerable<string> Lines(SuspectRow s, long heapBytes)
    {
        string share = Sizes.Percent(s.RetainedBytes, heapBytes);
        if (s.Instances > 1)
        {
            yield return $"{Sizes.Count(s.Instances)} instances of {TypeNames.Pretty(s.Type)}, each held by its own root, retain {Sizes.Format(s.RetainedBytes)} ({share} of the heap) together";
            foreach (string line in AllocationOriginsText.Lines(s.AllocatedAt, "  "))
                yield return line;
            yield break;
        }
        yield return $"{s.Root ?? "an unrooted object"} retains {Sizes.Format(s.RetainedBytes)} ({share} of the heap)";
        var hops = new List<string>();
        if (s.RootName is not null && s.Root is not null)
            hops.Add(s.Root);
        hops.AddRange(s.Path.Select(PathText.Segment));
        yield return "  path: " + string.Join(" -> ", hops);
        if (s.Accumulates is { } a)
            yield return "  " + PathText.Accumulates(a, heapBytes);
        foreach (string line in AllocationOriginsText.Lines(s.AllocatedAt, "  "))
            yield return line;
    }
}
