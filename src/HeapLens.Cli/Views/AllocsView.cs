using HeapLens.Reports;
using Spectre.Console;

namespace HeapLens.Cli.Views;

/// <summary>The few lines `allocs` prints once the profile is written, and where to look next.</summary>
internal static class AllocsView
{
    public static void Write(AllocsReport report, IAnsiConsole console)
    {
        console.WriteLine($"Wrote {report.Output}");
        console.WriteLine(
            $"{Sizes.Count(report.Samples)} samples over {report.DurationSeconds:0.0}s: an estimated {Sizes.Format(report.EstimatedBytes)} in {Sizes.Count(report.EstimatedObjects)} objects allocated");
        if (report is { InuseBytes: { } inuseBytes, InuseObjects: { } inuseObjects, Inuse: { } inuse })
            console.WriteLine(
                $"still alive after the full GC #{inuse.WalkGc} at the end: an estimated {Sizes.Format(inuseBytes)} in {Sizes.Count(inuseObjects)} objects " +
                $"({Sizes.Count(inuse.Confirmed)} of {Sizes.Count(inuse.Tracked)} tracked samples confirmed by the heap walk)");
        foreach (var note in report.Notes)
            console.WriteLine($"{(note.Level == NoteLevel.Warning ? "warning" : "note")}: {note.Text}");
        console.WriteLine(report.InuseBytes is null
            ? $"Next: heaplens top {report.Output}   or   go tool pprof -top {report.Output}"
            : $"Next: heaplens top --sample inuse_space {report.Output}   or   go tool pprof -sample_index=inuse_space -top {report.Output}");
    }
}
