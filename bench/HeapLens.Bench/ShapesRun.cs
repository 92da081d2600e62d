using System.Diagnostics;
using HeapLens.Analysis;
using HeapLens.Cli.Views;
using HeapLens.Reports;
using Spectre.Console;

namespace HeapLens.Bench;

/// <summary>
/// `--shapes [shape] [nodes]`: every snapshot report on each pathological shape at full size (10M-node
/// chain, fan-out and ring, 1M-deep nesting, 1M roots), timed with a Stopwatch: the model's creation,
/// then its JSON and its text view, with how long each output is. One line per report. The CPU
/// column (the process's processor time over model, JSON and text) is the figure to read on a
/// shared machine, where wall-clock time waits for other processes. A part of the analysis computed
/// on first use (child lists, root labels, shortest paths) is counted in the first report using it.
/// </summary>
public static class ShapesRun
{
    public static void Run(string? only, int? nodes)
    {
        Console.WriteLine($"{"shape",-8} {"objects",11} {"report",-18} {"model s",8} {"json s",7} {"text s",7} {"cpu s",7} {"json chars",11} {"text chars",11}");
        foreach (var (name, size) in PathologicalHeaps.Shapes)
        {
            if (only is not null && only != name)
                continue;
            var shape = PathologicalHeaps.Create(name, nodes ?? size);
            var snapshot = shape.Snapshot;
            var cpu = Cpu();
            var clock = Stopwatch.StartNew();
            var analyzed = AnalyzedSnapshot.Analyze(snapshot);
            Line(name, snapshot.NodeCount, "dominator tree", clock.Elapsed.TotalSeconds, 0, 0, (Cpu() - cpu).TotalSeconds, 0, 0);

            Measure(name, snapshot.NodeCount, "top --by retained", () => TopReport.Create(analyzed, TypeOrder.Retained, 20), TopView.Write);
            Measure(name, snapshot.NodeCount, "dominators", () => DominatorsReport.Create(analyzed, 6, 1), DominatorsView.Write);
            Measure(name, snapshot.NodeCount, "paths --type", () => PathsReport.ForType(analyzed, shape.MainType, 5), PathsView.Write);
            Measure(name, snapshot.NodeCount, "paths --address", () => PathsReport.ForAddress(analyzed, snapshot.Addresses[shape.Deepest]), PathsView.Write);
            Measure(name, snapshot.NodeCount, "suspects", () => SuspectsReport.Create(analyzed), SuspectsView.Write);
            Measure(name, snapshot.NodeCount, "diff --by type", () => DiffReport.ByType(analyzed, analyzed, TypeOrder.Retained, 20), DiffView.Write);
            Measure(name, snapshot.NodeCount, "diff --by retainer", () => DiffReport.ByRetainer(analyzed, analyzed, 20), DiffView.Write);
            Measure(name, snapshot.NodeCount, "info", () => InfoReport.Create(snapshot, 0), InfoView.Write);
        }
    }

    private static void Measure<T>(string shape, int objects, string report, Func<T> create, Action<T, IAnsiConsole> view)
    {
        var cpu = Cpu();
        var clock = Stopwatch.StartNew();
        var model = create();
        double modelSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        string json = ReportJson.Serialize(model);
        double jsonSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(text),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
        });
        console.Profile.Width = 160;
        view(model, console);
        double textSeconds = clock.Elapsed.TotalSeconds;
        Line(shape, objects, report, modelSeconds, jsonSeconds, textSeconds, (Cpu() - cpu).TotalSeconds, json.Length, text.ToString().Length);
    }

    private static TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;

    private static void Line(string shape, int objects, string report, double model, double json, double text, double cpu, int jsonChars, int textChars) =>
        Console.WriteLine($"{shape,-8} {objects,11:N0} {report,-18} {model,8:0.000} {json,7:0.000} {text,7:0.000} {cpu,7:0.000} {jsonChars,11:N0} {textChars,11:N0}");
}
