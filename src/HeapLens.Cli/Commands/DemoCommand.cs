using System.CommandLine;
using System.Diagnostics;
using HeapLens.Analysis;
using HeapLens.Cli.Demo;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Reports;
using Spectre.Console;

namespace HeapLens.Cli.Commands;

/// <summary>
/// Runs the whole job on the bundled LeakyService: start it, snapshot its heap, show what is in it.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string?>("--output", "-o")
        {
            Description = "Directory for the demo's snapshot files (default: a new temporary directory).",
        };
        var command = new Command("demo", "Run HeapLens on a bundled demo service with a memory leak.") { output };
        command.SetAction((result, cancel) => CommandRunner.RunAsync(async token =>
        {
            string directory = result.GetValue(output) ?? Directory.CreateTempSubdirectory("heaplens-demo-").FullName;
            Directory.CreateDirectory(directory);
            var console = Terminal.Out;

            console.WriteLine("Starting LeakyService (50,000 cached products, 20,000 warm-up requests)...");
            using var target = DemoTarget.Start();
            console.WriteLine($"LeakyService is running as pid {target.Id}.");
            console.WriteLine();

            string path = Path.Combine(directory, "leakyservice.heapsnap");
            var clock = Stopwatch.StartNew();
            var snapshot = await SnapshotCommand.CaptureToFileAsync(target.Descriptor, path, TimeSpan.FromMinutes(5), token);
            console.WriteLine(SnapshotCommand.Summary(path, snapshot, clock.Elapsed));
            console.WriteLine();

            var tree = DominatorTree.Compute(snapshot);
            TypeReport.Create(snapshot, RetainedByType.Compute(snapshot, tree), TypeOrder.Retained, rows: 10).WriteText(console);
            console.WriteLine();
            var suspects = SuspectsReport.Create(snapshot, tree);
            foreach (var suspect in suspects.Suspects.Take(1))
                foreach (string line in suspects.Describe(suspect))
                    console.WriteLine(line);
            console.WriteLine();
            console.WriteLine($"Explore it further: heaplens top {path} -n 40");
            return 0;
        }, cancel));
        return command;
    }
}
