using HeapLens.Reports;
using Spectre.Console;

namespace HeapLens.Cli.Views;

/// <summary>The text of `info`: one fact a line.</summary>
internal static class InfoView
{
    public static void Write(InfoReport report, IAnsiConsole console)
    {
        var m = report.Metadata;
        console.WriteLine(SnapshotHeaderText.Describe(new SnapshotHeader(m.ProcessName, m.ProcessId, m.CaptureTime, m.RuntimeVersion)));
        console.WriteLine($"Command line:  {m.CommandLine}");
        console.WriteLine($"Objects:       {Sizes.Count(report.Objects)} ({Sizes.Format(report.TotalBytes)})");
        console.WriteLine($"References:    {Sizes.Count(report.References)}" +
                          (m.UnresolvedReferences > 0 ? $" ({Sizes.Count(m.UnresolvedReferences)} to objects outside the walked heap left out)" : ""));
        console.WriteLine($"GC roots:      {Sizes.Count(report.Roots)}");
        console.WriteLine($"Types:         {Sizes.Count(report.Types)}");
        console.WriteLine($"Induced GC:    #{m.GcNumber}, target paused {m.GcPauseMilliseconds:0} ms, {Sizes.Format(m.StreamBytes)} streamed");
        if (report.AllocationWindow is { } window)
            console.WriteLine($"Allocations:   a {window.Seconds:0.0} s window before the snapshot sampled {Sizes.Count(window.Samples)}; " +
                              $"{Sizes.Count(report.SampledObjects ?? 0)} of them are here with their allocation stacks" +
                              (window.EventsLost > 0 ? $" ({Sizes.Count(window.EventsLost)} events lost)" : ""));
        console.WriteLine($"File:          {Sizes.Format(report.FileBytes)}, written by HeapLens {m.HeapLensVersion}");
    }
}
