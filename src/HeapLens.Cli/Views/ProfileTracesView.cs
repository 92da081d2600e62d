using HeapLens.Reports;
using Spectre.Console;

namespace HeapLens.Cli.Views;

/// <summary>The text of `traces`: each stack between rules, its values on top, leaf first.</summary>
internal static class ProfileTracesView
{
    private static readonly string Rule = new('-', 72);

    public static void Write(ProfileTracesReport report, IAnsiConsole console)
    {
        console.WriteLine($"File: {Path.GetFileName(report.File)}");
        if (report.Base is { } b)
            foreach (string line in ProfileBaseText.Lines(b))
                console.WriteLine(line);
        foreach (var trace in report.Traces)
        {
            console.WriteLine(Rule);
            console.WriteLine(string.Join("   ", report.SampleTypes.Select((t, i) =>
                $"{t.Type} {ProfileValues.Format(trace.Values[i], t.Unit)} ({Sizes.Percent(trace.Values[i], report.Totals[i])})")));
            foreach (var frame in trace.Frames)
            {
                string where = frame.File is { } file ? $"  {Path.GetFileName(file)}:{frame.Line ?? 0}" : "";
                console.WriteLine($"    {frame.Function}{where}");
            }
        }
        console.WriteLine(Rule);
    }
}
