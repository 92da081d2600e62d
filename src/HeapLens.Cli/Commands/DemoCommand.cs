using System.CommandLine;
using System.Diagnostics;
using HeapLens.Analysis;
using HeapLens.Cli.Demo;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Reports;
using Spectre.Console;

using HeapLens.Reports;

namespace HeapLens.Cli.Commands;

/// <summary>
/// The whole leak hunt on the bundled LeakyService: warm it up, snapshot, let it serve requests,
/// snapshot again, diff, and name what grew and which static field holds it.
/// </summary>
internal static class DemoCommand
{
    private const int WarmupRequests = 20_000;
    private const int BatchRequests = 20_000;

    public static Command Create()
    {
        var output = new Option<string?>("--output", "-o")
        {
            Description = "Directory for the demo's snapshot files (default: a new temporary directory).",
        };
        var command = new Command("demo", "Find the leak in a bundled demo service: snapshot, work, snapshot, diff.") { output };
        command.SetAction((result, cancel) => CommandRunner.RunAsync(async token =>
        {
            string directory = result.GetValue(output) ?? Directory.CreateTempSubdirectory("heaplens-demo-").FullName;
            Directory.CreateDirectory(directory);
            var console = Terminal.Out;

            console.WriteLine($"Starting LeakyService: a 50,000-product cache, then {WarmupRequests:N0} warm-up requests...");
            using var target = DemoTarget.Start("--warmup-requests", WarmupRequests.ToString());
            console.WriteLine($"LeakyService is running as pid {target.Id}.");
            console.WriteLine();

            string before = Path.Combine(directory, "before.heapsnap");
            string after = Path.Combine(directory, "after.heapsnap");
            await CaptureAsync(console, target, before, token);
            console.WriteLine($"Serving {BatchRequests:N0} more requests...");
            target.Serve(BatchRequests);
            await CaptureAsync(console, target, after, token);
            console.WriteLine();

            var a = SnapshotLoader.LoadAnalyzed(before);
            var b = SnapshotLoader.LoadAnalyzed(after);
            var typeDiff = DiffReport.ByType(a, b, TypeOrder.Retained, rows: 6);
            typeDiff.WriteText(console);
            console.WriteLine();

            var suspects = SuspectsReport.Create(b.Snapshot, b.Tree);
            console.WriteLine("Biggest retainers in the second snapshot:");
            foreach (var suspect in suspects.Suspects.Take(2))
                foreach (string line in suspects.Describe(suspect))
                    console.WriteLine("  " + line);
            console.WriteLine();

            foreach (string line in Verdict(a, b))
                console.WriteLine(line);
            console.WriteLine();
            console.WriteLine($"Explore further: heaplens diff {before} {after} --by retainer");
            console.WriteLine($"                 heaplens paths {after} --type LeakyService.SessionState -n 1");
            return 0;
        }, cancel));
        return command;
    }

    private static async Task CaptureAsync(IAnsiConsole console, DemoTarget target, string path, CancellationToken token)
    {
        var clock = Stopwatch.StartNew();
        var snapshot = await SnapshotCommand.CaptureToFileAsync(target.Descriptor, path, TimeSpan.FromMinutes(5), token);
        console.WriteLine(SnapshotCommand.Summary(path, snapshot, clock.Elapsed));
    }

    /// <summary>What grew, by how much, who holds it; and whether the biggest retainer is the culprit.</summary>
    private static IEnumerable<string> Verdict(AnalyzedSnapshot before, AnalyzedSnapshot after)
    {
        var growth = DiffReport.Growth(before, after).ToList();
        var grower = growth.FirstOrDefault();
        if (grower?.New is null || grower.DeltaRetainedBytes <= 0)
        {
            yield return "Verdict: nothing grew between the snapshots.";
            yield break;
        }
        long heap = after.Tree.ReachableBytes;
        string count = DiffReport.AccumulatedGrowth(grower) is { } grown ? $" ({grown})" : "";
        yield return $"Verdict: {DiffReport.Holder(grower)} grew by {Sizes.Format(grower.DeltaRetainedBytes)}{count} " +
                     $"while serving {BatchRequests:N0} requests, and now retains {Sizes.Format(grower.New.RetainedBytes)} " +
                     $"({Sizes.Percent(grower.New.RetainedBytes, heap)} of the heap): that is the leak.";
        var biggest = growth.Where(c => c.New is not null).MaxBy(c => c.New!.RetainedBytes);
        if (biggest is not null && biggest != grower && biggest.New!.RetainedBytes > grower.New.RetainedBytes)
        {
            string change = biggest.DeltaRetainedBytes == 0 ? "did not grow" : $"changed by {Sizes.Format(biggest.DeltaRetainedBytes)}";
            yield return $"The biggest retainer, {DiffReport.Holder(biggest)} ({Sizes.Format(biggest.New.RetainedBytes)}), {change}: " +
                         "a big stable working set, not a leak.";
        }
    }
}
