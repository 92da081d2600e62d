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
        foreach (var note in report.Notes)
            console.WriteLine($"{(note.Level == NoteLevel.Warning ? "warning" : "note")}: {note.Text}");
        console.WriteLine($"Next: heaplens top {report.Output}   or   go tool pprof -top {report.Output}");
    }
}
