using HeapLens.Cli.Views;
using HeapLens.Collection;
using Spectre.Console;

namespace HeapLens.Cli.Infrastructure;

/// <summary>Shows a heap capture's progress on stderr when it is a terminal; silent otherwise.</summary>
internal static class CaptureStatus
{
    public static async Task<T> RunAsync<T>(Func<IProgress<CaptureProgress>?, Task<T>> capture)
    {
        if (!Terminal.ShowProgress)
            return await capture(null);
        return await Terminal.Error.Status()
            .Spinner(Spinner.Known.Dots)
            .StartAsync("Connecting...", async context =>
            {
                var progress = new Progress<CaptureProgress>(p => context.Status(Markup.Escape(Describe(p))));
                return await capture(progress);
            });
    }

    private static string Describe(CaptureProgress p) => p.Stage switch
    {
        CaptureStage.Connecting => "Connecting to the process...",
        CaptureStage.WaitingForGc => "Waiting for the induced GC...",
        CaptureStage.Streaming => $"GC running, streaming the heap: {Sizes.Format(p.StreamBytes)} received, {Sizes.Count(p.Objects)} objects parsed",
        CaptureStage.Finishing => $"Heap walk done ({Sizes.Format(p.StreamBytes)}), finishing...",
        CaptureStage.StreamRead => $"Stream read ({Sizes.Format(p.StreamBytes)}, {Sizes.Count(p.Objects)} objects), checking the walk...",
        CaptureStage.BuildingGraph => $"Building the graph of {Sizes.Count(p.Objects)} objects, naming static fields and nested types...",
        CaptureStage.NamesResolved => "Finishing the snapshot...",
        CaptureStage.Built => "Writing the snapshot...",
        CaptureStage.Retrying => $"Incomplete walk ({p.Note}); retrying with a larger buffer...",
        _ => p.Stage.ToString(),
    };
}
