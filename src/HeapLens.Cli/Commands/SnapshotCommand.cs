using System.CommandLine;
using System.Diagnostics;
using HeapLens.Analysis;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Reports;
using HeapLens.Cli.Views;
using HeapLens.Reports;
using HeapLens.Collection;
using HeapLens.Formats.HeapSnap;
using HeapLens.Snapshots;

namespace HeapLens.Cli.Commands;

internal static class SnapshotCommand
{
    public static Command Create()
    {
        var process = new ProcessOptions();
        var output = new Option<string?>("--output", "-o")
        {
            Description = "Snapshot file to write (default: YYYYMMDD_HHMMSS_<pid>.heapsnap in the current directory).",
        };
        var timeout = new Option<int>("--timeout")
        {
            Description = "Seconds the GC and heap walk may take before the capture is abandoned.",
            DefaultValueFactory = _ => 300,
        };
        var thenDiff = new Option<string?>("--then-diff")
        {
            Description = "After writing the snapshot, diff it against this earlier one (by retainer): snapshot, work, snapshot, diff in one step.",
            HelpName = "base.heapsnap",
        };
        var command = new Command("snapshot", "Take a live heap snapshot of a .NET process (after a forced full GC: live objects only).");
        process.AddTo(command);
        command.Options.Add(output);
        command.Options.Add(timeout);
        command.Options.Add(thenDiff);
        command.SetAction((result, cancel) => CommandRunner.RunAsync(async token =>
        {
            var target = process.Resolve(result);
            string path = result.GetValue(output) ?? DefaultFileName(target.Id);
            string? basePath = result.GetValue(thenDiff);
            // Read the base first: a wrong base file must not cost the target a pause.
            var before = basePath is null ? null : SnapshotLoader.LoadAnalyzed(basePath);
            var clock = Stopwatch.StartNew();
            var snapshot = await CaptureToFileAsync(target, path, TimeSpan.FromSeconds(result.GetValue(timeout)), token);
            Console.Out.WriteLine(Summary(path, snapshot, clock.Elapsed));
            if (before is not null)
            {
                Console.Out.WriteLine();
                DiffView.Write(DiffReport.ByRetainer(before, AnalyzedSnapshot.Analyze(snapshot), rows: 10), Terminal.Out);
            }
            return 0;
        }, cancel));
        return command;
    }

    public static string DefaultFileName(int pid) => $"{DateTime.Now:yyyyMMdd_HHmmss}_{pid}.heapsnap";

    /// <summary>Captures and writes a snapshot; shared with `heaplens demo`.</summary>
    public static async Task<HeapSnapshot> CaptureToFileAsync(DotNetProcess target, string path, TimeSpan timeout, CancellationToken token)
    {
        string directory = OutputDirectory.EnsureWritable(path);
        var options = new HeapCaptureOptions { Timeout = timeout, TempDirectory = directory };
        var snapshot = await CaptureStatus.RunAsync(progress => HeapSnapshotCollector.CaptureAsync(target, options, progress, token));
        HeapSnapFile.Write(snapshot, path);
        return snapshot;
    }

    public static string Summary(string path, HeapSnapshot snapshot, TimeSpan elapsed) =>
        $"Wrote {path}: {Sizes.Count(snapshot.NodeCount)} objects, {Sizes.Count(snapshot.EdgeCount)} references, " +
        $"{Sizes.Format(snapshot.TotalBytes)} live; target paused {snapshot.Metadata.GcPauseMilliseconds:0} ms; took {elapsed.TotalSeconds:0.0} s";
}
