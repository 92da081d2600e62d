using HeapLens.Reports;
using Spectre.Console;

namespace HeapLens.Cli.Views;

/// <summary>The text of the demo's findings: the type diff, the biggest retainers, the verdict, what to run next.</summary>
internal static class DemoView
{
    public static void Write(DemoReport report, IAnsiConsole console)
    {
        DiffView.Write(report.Types, console);
        console.WriteLine();

        console.WriteLine("Biggest retainers in the second snapshot:");
        foreach (var suspect in report.Suspects.Suspects)
            foreach (string line in SuspectsView.Lines(suspect, report.Suspects.TotalBytes))
                console.WriteLine("  " + line);
        console.WriteLine();

        foreach (string line in Verdict(report.Verdict, report.RequestsBetween))
            console.WriteLine(line);
        console.WriteLine();
        console.WriteLine($"Explore further: heaplens diff {report.BaseFile} {report.NewFile} --by retainer");
        console.WriteLine($"                 heaplens paths {report.NewFile} --type LeakyService.SessionState -n 1");
    }

    private static IEnumerable<string> Verdict(LeakVerdict verdict, int requests)
    {
        if (verdict.Leak is not { } leak)
        {
            yield return "Verdict: nothing grew between the snapshots.";
            yield break;
        }
        string count = DiffView.AccumulatedGrowth(leak) is { } grown ? $" ({grown})" : "";
        yield return $"Verdict: {DiffView.Holder(leak)} grew by {Sizes.Format(leak.DeltaRetainedBytes)}{count} " +
                     $"while serving {requests:N0} requests, and now retains {Sizes.Format(leak.NewRetainedBytes)} " +
                     $"({Sizes.Percent(leak.NewRetainedBytes, verdict.HeapBytes)} of the heap): that is the leak.";
        if (verdict.StableBiggest is { } biggest)
        {
            string change = biggest.DeltaRetainedBytes == 0 ? "did not grow" : $"changed by {Sizes.Format(biggest.DeltaRetainedBytes)}";
            yield return $"The biggest retainer, {DiffView.Holder(biggest)} ({Sizes.Format(biggest.NewRetainedBytes)}), {change}: " +
                         "a big stable working set, not a leak.";
        }
    }
}
