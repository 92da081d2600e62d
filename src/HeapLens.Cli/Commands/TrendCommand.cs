using System.CommandLine;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Views;
using HeapLens.Monitoring;
using HeapLens.Reports;
using HeapLens.Timelines;
using HeapLens.Formats.GcTimeline;

namespace HeapLens.Cli.Commands;

internal static class TrendCommand
{
    public static Command Create()
    {
        var timeline = new Argument<string>("timeline") { Description = "A GC timeline recorded by 'heaplens monitor' (timeline.jsonl)." };
        var format = OutputFormatOption.Create();
        var chart = new Option<string?>("--chart")
        {
            Description = "Where to write the chart (SVG). Default: the timeline's name with .svg.",
        };
        var noChart = new Option<bool>("--no-chart") { Description = "Analyse only; write no chart." };
        var trendOptions = new TrendOptionSet();
        var command = new Command("trend", "Analyse a recorded GC timeline offline: floor trend, verdict and chart.")
        {
            timeline, format, chart, noChart,
        };
        trendOptions.AddTo(command);
        command.SetAction(result => CommandRunner.Run(() =>
        {
            string path = result.GetValue(timeline)!;
            var options = trendOptions.Resolve(result);
            var history = new GcHistory();
            GcTimelineHeader header;
            using (var reader = GcTimelineReader.Open(path))
            {
                header = reader.Header;
                foreach (var gc in reader.ReadAll())
                    history.Add(gc);
            }
            string? chartPath = result.GetValue(noChart) ? null : result.GetValue(chart) ?? Path.ChangeExtension(path, ".svg");
            var report = TrendReport.Create(path, header, history, options, chartPath);
            if (chartPath is not null)
                TimelineChart.Write(chartPath, report);
            return ReportOutput.Write(report, result.GetValue(format), TrendView.Write);
        }));
        return command;
    }
}
