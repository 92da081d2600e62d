using System.CommandLine;
using System.Diagnostics;
using HeapLens.Cli.Demo;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Views;
using HeapLens.Reports;
using Spectre.Console;

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

            var report = DemoReport.Create(SnapshotLoader.LoadAnalyzed(before), SnapshotLoader.LoadAnalyzed(after), before, after, BatchRequests);
            DemoView.Write(report, console);
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
}
