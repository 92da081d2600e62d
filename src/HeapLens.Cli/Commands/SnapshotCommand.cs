using System.CommandLine;
using System.Diagnostics;
using HeapLens.Analysis;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Views;
using HeapLens.Reports;
using HeapLens.Collection;
using HeapLens.Formats.HeapSnap;
using HeapLens.Collection.Nettrace;
using HeapLens.Snapshots;
using Spectre.Console;

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
            Description = "Seconds the target may take to answer, run the GC and walk its heap before the capture is abandoned (1 to 86400).",
            DefaultValueFactory = _ => 300,
        };
        var thenDiff = new Option<string?>("--then-diff")
        {
            Description = "After writing the snapshot, diff it against this earlier one (by retainer): snapshot, work, snapshot, diff in one step.",
            HelpName = "base.heapsnap",
        };
        var keepStream = new Option<string?>("--keep-stream")
        {
            Description = "Debug: also keep the raw EventPipe stream of the heap walk in this .nettrace file (about 43 bytes per object).",
            HelpName = "walk.nettrace",
        };
        var reader = new Option<HeapWalkReader>("--reader")
        {
            Description = "Debug: the reader of the stream (Fast, or TraceEvent as the reference).",
            Hidden = true,
        };
        var timings = new Option<bool>("--timings")
        {
            Description = "Debug: print on stderr when each stage of the capture begins, with wall and CPU time and the time of day (UTC).",
            Hidden = true,
        };
        var streamDuringPause = new Option<bool>("--stream-during-pause")
        {
            Description = "Let the heap walk stream while the target is paused (a second session asks for the walk): the capture ends " +
                          "sooner, but with few cores the target's pause can grow (2 cores, 23.5M objects: done 1.2 s sooner, paused 1 s longer).",
        };
        var allocs = new Option<string?>("--allocs")
        {
            Description = "First record sampled allocations for this long (30s, 2m; Ctrl+C ends it early), following each sampled object through the GCs; " +
                          "the snapshot is the heap walk that ends the window, and the sampled objects still alive carry their allocation stacks " +
                          "(paths, suspects and diff --by retainer then say where they were allocated). .NET 10 or later.",
            HelpName = "duration",
        };
        var command = new Command("snapshot", "Take a live heap snapshot of a .NET process (after a forced full GC: live objects only).");
        process.AddTo(command);
        command.Options.Add(output);
        command.Options.Add(timeout);
        command.Options.Add(thenDiff);
        command.Options.Add(keepStream);
        command.Options.Add(reader);
        command.Options.Add(timings);
        command.Options.Add(streamDuringPause);
        command.Options.Add(allocs);
        // A synchronous action with its own signal handling: SIGINT, SIGTERM and SIGHUP all stop the
        // session and end the command the same clean way, whenever they arrive.
        command.SetAction(result =>
        {
            using var signals = new StopOnSignal();
            return CommandRunner.Run(() =>
            {
                int seconds = result.GetValue(timeout);
                if (seconds is < 1 or > MaximumTimeoutSeconds)
                    throw new HeapLensException($"--timeout: {seconds} is not a number of seconds from 1 to {MaximumTimeoutSeconds}");
                TimeSpan? window = null;
                if (result.GetValue(allocs) is { } windowText)
                {
                    if (!DurationParser.TryParse(windowText, out var parsed))
                        throw new HeapLensException($"--allocs: '{windowText}' is not a duration (try 30s, 2m, 500ms)");
                    if (result.GetValue(keepStream) is not null)
                        throw new HeapLensException("--keep-stream cannot be combined with --allocs");
                    window = parsed;
                }
                var target = process.Resolve(result);
                string path = result.GetValue(output) ?? DefaultFileName(target.Id);
                string? basePath = result.GetValue(thenDiff);
                // Read the base first: a wrong base file must not cost the target a pause.
                var before = basePath is null ? null : SnapshotLoader.LoadAnalyzed(basePath);
                var clock = Stopwatch.StartNew();
                if (window is { } length)
                {
                    var captured = CaptureWithAllocationsToFileAsync(target, path, length, TimeSpan.FromSeconds(seconds), signals.Token)
                        .GetAwaiter().GetResult();
                    Console.Out.WriteLine(Summary(path, captured.Snapshot, clock.Elapsed));
                    Console.Out.WriteLine(AllocationSummary(captured));
                    if (captured.Conversion.EventsLost > 0)
                        Console.Error.WriteLine($"heaplens: warning: the allocation session lost {captured.Conversion.EventsLost:N0} events: " +
                                                "some sampled objects may be missing, so the estimates may be low");
                    if (before is not null)
                    {
                        Console.Out.WriteLine();
                        DiffView.Write(DiffReport.ByRetainer(before, AnalyzedSnapshot.Analyze(captured.Snapshot), rows: 10), Terminal.Out);
                    }
                    return 0;
                }
                var snapshot = CaptureToFileAsync(target, path, TimeSpan.FromSeconds(seconds), signals.Token,
                    result.GetValue(keepStream), result.GetValue(reader), result.GetValue(timings) ? new StageTimings(Console.Error) : null,
                    result.GetValue(streamDuringPause))
                    .GetAwaiter().GetResult();
                Console.Out.WriteLine(Summary(path, snapshot, clock.Elapsed));
                if (before is not null)
                {
                    Console.Out.WriteLine();
                    DiffView.Write(DiffReport.ByRetainer(before, AnalyzedSnapshot.Analyze(snapshot), rows: 10), Terminal.Out);
                }
                return 0;
            }, signals);
        });
        return command;
    }

    private const int MaximumTimeoutSeconds = 86_400;

    public static string DefaultFileName(int pid) => $"{DateTime.Now:yyyyMMdd_HHmmss}_{pid}.heapsnap";

    /// <summary>Captures and writes a snapshot; shared with `heaplens demo`.</summary>
    public static async Task<HeapSnapshot> CaptureToFileAsync(DotNetProcess target, string path, TimeSpan timeout, CancellationToken token,
        string? keepStream = null, HeapWalkReader reader = HeapWalkReader.Fast, StageTimings? timings = null, bool streamDuringPause = false)
    {
        string directory = OutputDirectory.EnsureWritable(path);
        if (keepStream is not null)
            OutputDirectory.EnsureWritable(keepStream);
        var options = new HeapCaptureOptions
        {
            Timeout = timeout, TempDirectory = directory, KeepStreamPath = keepStream, Reader = reader, StreamDuringPause = streamDuringPause,
        };
        var snapshot = timings is null
            ? await CaptureStatus.RunAsync(progress => HeapSnapshotCollector.CaptureAsync(target, options, progress, token))
            : await HeapSnapshotCollector.CaptureAsync(target, options, timings, token);
        token.ThrowIfCancellationRequested(); // a signal during the capture's last step still writes nothing
        HeapSnapFile.Write(snapshot, path);
        timings?.Step("Written");
        return snapshot;
    }

    /// <summary>
    /// Records the allocation window, takes the snapshot that ends it and writes it with its allocation
    /// sites. A signal ends the window early; the snapshot is still taken and written.
    /// </summary>
    private static async Task<AllocationSnapshotResult> CaptureWithAllocationsToFileAsync(DotNetProcess target, string path, TimeSpan window,
        TimeSpan walkTimeout, CancellationToken stop)
    {
        string directory = OutputDirectory.EnsureWritable(path);
        var options = new AllocationSnapshotOptions { TempDirectory = directory, WalkTimeout = walkTimeout };
        AllocationSnapshotResult result;
        if (!Terminal.ShowProgress)
            result = await AllocationSnapshotCapture.CaptureAsync(target, window, options, stop);
        else
        {
            AllocationSnapshotResult? done = null;
            await Terminal.Error.Status().StartAsync($"recording allocations of {Markup.Escape(target.Name)} ({target.Id})", async context =>
            {
                var clock = Stopwatch.StartNew();
                bool recorded = false;
                var recording = new Progress<long>(bytes =>
                {
                    if (!recorded)
                        context.Status($"recording allocations of {Markup.Escape(target.Name)} ({target.Id}): {clock.Elapsed.TotalSeconds:0}s of " +
                                       $"{window.TotalSeconds:0}s, {Sizes.Format(bytes)} of events (Ctrl+C to end the window early)");
                });
                var steps = new Progress<string>(step =>
                {
                    recorded = true;
                    context.Status(Markup.Escape(step));
                });
                done = await AllocationSnapshotCapture.CaptureAsync(target, window,
                    options with { RecordingProgress = recording, ConversionProgress = steps }, stop);
            });
            result = done!;
        }
        HeapSnapFile.Write(result.Snapshot, path);
        return result;
    }

    public static string AllocationSummary(AllocationSnapshotResult result)
    {
        var window = result.Snapshot.Allocations!.Window;
        string ended = result.WindowEndedEarly ? " (ended early by a signal)" : "";
        return $"Allocation window {window.Seconds:0.0} s{ended}: {Sizes.Count(window.Samples)} allocations sampled; " +
               $"{Sizes.Count(result.Snapshot.Allocations.Count)} of them still alive in the snapshot carry their allocation stacks";
    }

    public static string Summary(string path, HeapSnapshot snapshot, TimeSpan elapsed) =>
        $"Wrote {path}: {Sizes.Count(snapshot.NodeCount)} objects, {Sizes.Count(snapshot.EdgeCount)} references, " +
        $"{Sizes.Format(snapshot.TotalBytes)} live; target paused {snapshot.Metadata.GcPauseMilliseconds:0} ms; took {elapsed.TotalSeconds:0.0} s";
}
