using System.CommandLine;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Views;
using HeapLens.Collection;
using HeapLens.Formats.Pprof;
using HeapLens.Reports;
using Spectre.Console;

namespace HeapLens.Cli.Commands;

/// <summary>
/// heaplens allocs: records a live process's sampled allocations (or imports a .nettrace) and writes
/// a pprof allocation profile.
/// </summary>
internal static class AllocsCommand
{
    public static Command Create()
    {
        var process = new ProcessOptions();
        var duration = new Option<string>("--duration", "-d")
        {
            Description = "How long to record: 30s, 2m, 1m30s, 500ms. Ctrl+C ends the capture early and still writes the profile.",
            DefaultValueFactory = _ => "30s",
        };
        var output = new Option<string?>("--output", "-o")
        {
            Description = "The profile to write (gzip-compressed pprof). Default: allocs-<name>-<pid>-<time>.pb.gz, or <trace>.pb.gz with --from.",
            HelpName = "file.pb.gz",
        };
        var from = new Option<string?>("--from")
        {
            Description = "Build the profile from a .nettrace recorded with dotnet-trace instead of a live process.",
            HelpName = "trace.nettrace",
        };
        var noInuse = new Option<bool>("--no-inuse")
        {
            Description = "Allocations only: no inuse_objects/inuse_space, so no GC movement tracking and no induced full GC at the end.",
        };
        var format = OutputFormatOption.Create();
        var command = new Command("allocs",
            "Profile allocations by call stack and source line (alloc_objects, alloc_space, inuse_objects, inuse_space), written as pprof.");
        process.AddTo(command);
        foreach (Option option in new Option[] { duration, output, from, noInuse, format })
            command.Options.Add(option);

        // A synchronous action with its own signal handling: SIGINT, SIGTERM and SIGHUP must end the
        // capture, not the process, and converting the trace afterwards can take longer than
        // System.CommandLine's grace period.
        command.SetAction(result =>
        {
            using var signals = new StopOnSignal();
            return CommandRunner.Run(() =>
            {
                string? trace = result.GetValue(from);
                if (trace is not null)
                {
                    if (result.GetValue(process.ProcessId) is not null || result.GetValue(process.Name) is not null)
                        throw new HeapLensException("give either --from or a process (-p/-n), not both");
                    return Import(trace, result.GetValue(output) ?? DefaultOutputFor(trace), result.GetValue(format));
                }
                string? outputPath = result.GetValue(output);
                if (outputPath is not null)
                    OutputDirectory.EnsureWritable(outputPath); // before the target pays for a session
                string durationText = result.GetValue(duration)!;
                if (!DurationParser.TryParse(durationText, out var length))
                    throw new HeapLensException($"--duration: '{durationText}' is not a duration (try 30s, 2m, 500ms)");
                var target = process.Resolve(result);
                return RecordAsync(target, length, outputPath, !result.GetValue(noInuse), result.GetValue(format), signals.Token)
                    .GetAwaiter().GetResult();
            }, signals);
        });
        return command;
    }

    private static int Import(string tracePath, string outputPath, OutputFormat format)
    {
        OutputDirectory.EnsureWritable(outputPath);
        var conversion = WithStatus("reading " + Path.GetFileName(tracePath), status =>
            AllocationTraceConverter.Convert(tracePath, new Progress<string>(step => status(step))));
        PprofFile.Save(conversion.Profile, outputPath);
        Report(conversion, outputPath, targetExited: false, format);
        return 0;
    }

    private static async Task<int> RecordAsync(DotNetProcess target, TimeSpan duration, string? output, bool inuse, OutputFormat format,
        CancellationToken stop)
    {
        string outputPath = Path.GetFullPath(output ?? $"allocs-{target.Name}-{target.Id}-{DateTime.Now:yyyyMMdd-HHmmss}.pb.gz");
        // The raw trace and the final walk go next to the profile: they can be large, and the user chose
        // that disk. They have no name there, so that not even a killed heaplens leaves them behind.
        var options = new AllocationCaptureOptions { Inuse = inuse, TempDirectory = OutputDirectory.EnsureWritable(outputPath) };
        var result = await CaptureWithProgressAsync(target, duration, options, stop).ConfigureAwait(false);
        PprofFile.Save(result.Conversion.Profile, outputPath);
        Report(result.Conversion, outputPath, result.TargetExited, format);
        return 0;
    }

    private static async Task<AllocationCaptureResult> CaptureWithProgressAsync(DotNetProcess target, TimeSpan duration,
        AllocationCaptureOptions options, CancellationToken stop)
    {
        if (!Terminal.ShowProgress)
            return await AllocationCapture.CaptureAsync(target.Id, duration, options, stop).ConfigureAwait(false);
        AllocationCaptureResult? result = null;
        await Terminal.Error.Status().StartAsync($"recording allocations of {Markup.Escape(target.Name)} ({target.Id})", async context =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            bool recorded = false;
            var recording = new Progress<long>(bytes =>
            {
                if (!recorded)
                    context.Status($"recording allocations of {Markup.Escape(target.Name)} ({target.Id}): " +
                                   $"{clock.Elapsed.TotalSeconds:0}s of {duration.TotalSeconds:0}s, {Sizes.Format(bytes)} of events (Ctrl+C to stop early)");
            });
            var conversion = new Progress<string>(step =>
            {
                recorded = true;
                context.Status(Markup.Escape(step));
            });
            result = await AllocationCapture.CaptureAsync(target.Id, duration,
                options with { RecordingProgress = recording, ConversionProgress = conversion }, stop).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return result!;
    }

    private static void Report(AllocationConversion conversion, string outputPath, bool targetExited, OutputFormat format)
    {
        var report = AllocsReport.Create(conversion, outputPath, targetExited);
        // Lost events and a missing inuse must not go unseen when stdout is a file, a pipe or JSON.
        if (format == OutputFormat.Json || Console.IsOutputRedirected)
            foreach (var note in report.Notes.Where(n => n.Level == NoteLevel.Warning))
                Console.Error.WriteLine($"heaplens: warning: {note.Text}");
        ReportOutput.Write(report, format, AllocsView.Write);
    }

    private static T WithStatus<T>(string initial, Func<Action<string>, T> work)
    {
        if (!Terminal.ShowProgress)
            return work(_ => { });
        return Terminal.Error.Status().Start(initial, context => work(step => context.Status(Markup.Escape(step))));
    }

    private static string DefaultOutputFor(string tracePath) =>
        Path.ChangeExtension(tracePath, null) + ".pb.gz";
}
