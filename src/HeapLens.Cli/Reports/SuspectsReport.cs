using HeapLens.Cli.Views;
using HeapLens.Cli.Infrastructure;
using HeapLens.Analysis;
using HeapLens.Snapshots;
using Spectre.Console;

namespace HeapLens.Cli.Reports;

internal sealed class SuspectsReport(HeapSnapshot snapshot, DominatorTree tree, IReadOnlyList<LeakSuspect> suspects) : IReport
{
    public static SuspectsReport Create(HeapSnapshot snapshot, DominatorTree tree) =>
        new(snapshot, tree, LeakSuspects.Find(snapshot, tree, new RootLabels(snapshot), ShortestPaths.Compute(snapshot)));

    public IReadOnlyList<LeakSuspect> Suspects => suspects;

    public object ToJson() => new
    {
        totalBytes = tree.ReachableBytes,
        suspects = suspects.Select(s => new
        {
            root = s.Root?.ToString(),
            retainedBytes = s.RetainedBytes,
            instances = s.GroupCount,
            path = s.Chain.Select(node => new { type = snapshot.TypeNameOf(node), address = $"0x{snapshot.Addresses[node]:x}", retainedBytes = tree.RetainedSize[node] }),
            accumulates = s.Accumulates is { } a ? new { type = a.TypeName, count = a.Count, bytes = a.Bytes } : null,
        }),
    };

    public void WriteText(IAnsiConsole console)
    {
        console.WriteLine(SnapshotHeaderText.Describe(snapshot));
        if (suspects.Count == 0)
        {
            console.WriteLine($"No leak suspects: nothing retains {LeakSuspects.SuspectShare:P0} of the {Sizes.Format(tree.ReachableBytes)} heap.");
            return;
        }
        for (int i = 0; i < suspects.Count; i++)
        {
            console.WriteLine();
            foreach (string line in Describe(suspects[i]))
                console.WriteLine(line);
        }
    }

    /// <summary>A suspect in a few lines; also the demo's verdict.</summary>
    public IEnumerable<string> Describe(LeakSuspect s)
    {
        string share = Sizes.Percent(s.RetainedBytes, tree.ReachableBytes);
        if (s.GroupCount > 1)
        {
            yield return $"{Sizes.Count(s.GroupCount)} instances of {TypeNames.Pretty(snapshot.TypeNameOf(s.Suspect))}, each held by its own root, retain {Sizes.Format(s.RetainedBytes)} ({share} of the heap) together";
            yield break;
        }
        string holder = s.Root is { } root ? root.ToString() : "an unrooted object";
        yield return $"{holder} retains {Sizes.Format(s.RetainedBytes)} ({share} of the heap)";
        var hops = new List<string>();
        if (s.Root is { Name: not null } named)
            hops.Add($"{named.Kind.Describe()} {named.Name}");
        hops.AddRange(s.Chain.Select(node => TypeNames.Pretty(snapshot.TypeNameOf(node))));
        yield return "  path: " + string.Join(" -> ", hops);
        if (s.Accumulates is { } a)
            yield return $"  accumulates {Sizes.Count(a.Count)} x {TypeNames.Pretty(a.TypeName)} ({Sizes.Format(a.Bytes)}, {Sizes.Percent(a.Bytes, tree.ReachableBytes)} of the heap)";
    }
}
