using System.CommandLine;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Views;
using HeapLens.Monitoring;
using HeapLens.Reports;
using Spectre.Console;

namespace HeapLens.Cli.Commands;

internal static class MonitorCommand
{
    public static Command Create()
    {
        var process = new ProcessOptions();
        var format = OutputFormatOption.Create();
        var duration = new Option<string?>("--duration", "-d")
        {
            Description = "Stop after this long (30s, 5m, 1h). Default: until the target exits or Ctrl+C.",
        };
        var interval = new Option<string>("--interval")
        {
            Description = "How often to analyse the trend, check triggers and refresh the view.",
            DefaultValueFactory = _ => "5s",
        };
        var trendOptions = new TrendOptionSet();
        var threshold = new Option<string?>("--threshold")
        {
            Description = "Capture when the heap after a GC is above this size (500MB, 2GB).",
        };
        var growth = new Option<string?>("--growth")
        {
            Description = "Capture when the floor has grown by this percentage over its baseline (50 or 50%).",
        };
        var onTrigger = new Option<string[]>("--on-trigger")
        {
            Description = $"What to capture when a trigger fires: {string.Join(", ", CaptureActions.Names)}; several allowed (snapshot,allocs).",
            DefaultValueFactory = _ => ["timeline"],
            AllowMultipleArgumentsPerToken = true,
        };
        var output = new Option<string?>("--out", "-o")
        {
            Description = "Directory for the timeline, chart, captures and capture log. Default: ./heaplens-monitor-PID-TIME.",
        };
        var maxCaptures = new Option<int>("--max-captures")
        {
            Description = "Capture at most this many times in the whole run.",
            DefaultValueFactory = _ => 5,
        };
        var cooldown = new Option<string>("--cooldown")
        {
            Description = "After a trigger fires, ignore it for this long.",
            DefaultValueFactory = _ => "5m",
        };

        var command = new Command("monitor",
            "Watch a process's GCs: tell a leak (rising post-GC floor) from a big working set or healthy churn, and capture evidence when a trigger fires.");
        process.AddTo(command);
        foreach (var option in new Option[] { duration, interval })
            command.Options.Add(option);
        trendOptions.AddTo(command);
        foreach (var option in new Option[] { format, threshold, growth, onTrigger, output, maxCaptures, cooldown })
            command.Options.Add(option);

        command.SetAction((result, cancellationToken) => CommandRunner.RunAsync(async token =>
        {
            // Check every option before attaching: a typo must not cost a monitoring run.
            var captures = CaptureActions.Resolve(result.GetValue(onTrigger) ?? []);
            int max = result.GetValue(maxCaptures);
            if (max < 0)
                throw new HeapLensException("--max-captures: must be 0 or more");
            var every = DurationText.Parse(result.GetValue(interval)!, "--interval");
            if (every < TimeSpan.FromMilliseconds(100))
                throw new HeapLensException("--interval: must be at least 100ms");
            var options = new MonitorOptions
            {
                OutputDirectory = "",
                Duration = result.GetValue(duration) is { } d ? DurationParser.Parse(d, "--duration") : null,
                Interval = every,
                Trend = trendOptions.Resolve(result),
                Triggers = new TriggerOptions(
                    result.GetValue(threshold) is { } t ? SizeText.Parse(t, "--threshold") : null,
                    result.GetValue(growth) is { } g ? SizeText.ParsePercent(g, "--growth") : null),
                MaxCaptures = max,
                Cooldown = DurationText.Parse(result.GetValue(cooldown)!, "--cooldown"),
            };
            var target = process.Resolve(result);
            options = options with
            {
                OutputDirectory = result.GetValue(output) ?? $"heaplens-monitor-{target.Id}-{DateTime.Now:yyyyMMdd-HHmmss}",
            };

            string label = $"{target.Name} (pid {target.Id})";
            MonitorSummary summary;
            if (Terminal.ShowProgress)
            {
                summary = await Terminal.Error.Live(new Text($"attaching to {label}...")).AutoClear(true)
                    .StartAsync(async live =>
                    {
                        var view = new CallbackProgress<MonitorStatus>(status =>
                        {
                            live.UpdateTarget(MonitorView.Live(label, status));
                            live.Refresh();
                        });
                        return await new GcMonitor(target, options, captures, view).RunAsync(token).ConfigureAwait(false);
                    }).ConfigureAwait(false);
            }
            else
            {
                summary = await new GcMonitor(target, options, captures).RunAsync(token).ConfigureAwait(false);
            }

            string chart = Path.Combine(options.OutputDirectory, Path.ChangeExtension(GcMonitor.TimelineFileName, ".svg"));
            var report = MonitorReport.Create(summary, chart);
            TimelineChart.Write(chart, report);
            return ReportOutput.Write(report, result.GetValue(format), MonitorView.Write);
        }, cancellationToken));
        return command;
    }
}
