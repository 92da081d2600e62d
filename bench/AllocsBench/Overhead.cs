using HeapLens.Collection;

namespace HeapLens.Bench.Allocs;

/// <summary>
/// The cost of AllocationSampled profiling to an allocation-heavy target. One target process runs
/// throughout; phases alternate between no session and a recording session (streamed to a file, as
/// `heaplens allocs` does), so both conditions share the process, its JIT state and the machine's
/// load. The first second of each phase is dropped (session start, rundown at stop).
/// </summary>
internal static class Overhead
{
    public static async Task RunAsync(int phaseSeconds, int pairs, string results)
    {
        var work = await MeasureAsync("work", phaseSeconds, pairs);
        var churn = await MeasureAsync("churn", phaseSeconds, pairs);
        Machine.Save(results, "allocs-overhead.json", new
        {
            benchmark = "throughput of an allocation-heavy target with and without an AllocationSampled EventPipe session (stacks on) streamed to a file, as 'heaplens allocs' records",
            method = $"one target process per workload; {pairs} pairs of {phaseSeconds}s phases alternating off/on; per-second throughput samples, first second of each phase dropped; medians compared",
            workloads = new[] { work, churn },
            machine = Machine.Describe(),
            measuredAt = DateTime.UtcNow,
        });
    }

    private static async Task<object> MeasureAsync(string workload, int phaseSeconds, int pairs)
    {
        const int warmupSeconds = 5;
        int total = warmupSeconds + pairs * 2 * phaseSeconds + 5;
        using var target = new Target(workload, total);
        await target.Ready;
        await Task.Delay(TimeSpan.FromSeconds(warmupSeconds));
        Drain(target);

        var off = new List<double>();
        long samples = 0;
        var on = new List<double>();
        var rounds = new List<object>();
        // Traces are converted after the last phase: converting during an unprofiled phase would slow it.
        var traces = new List<(string Path, double Seconds, double Off, double On, long Bytes)>();
        try
        {
            for (int pair = 0; pair < pairs; pair++)
            {
                await Task.Delay(TimeSpan.FromSeconds(phaseSeconds));
                var offRound = Drain(target).Skip(1).ToList();

                string trace = Path.Combine(Path.GetTempPath(), $"allocs-bench-{Environment.ProcessId}-{workload}-{pair}.nettrace");
                using var stop = new CancellationTokenSource();
                var recording = AllocationRecorder.RecordAsync(target.Id, trace, TimeSpan.FromHours(1), 10, null, stop.Token);
                var phaseClock = System.Diagnostics.Stopwatch.StartNew();
                await Task.Delay(TimeSpan.FromSeconds(phaseSeconds));
                var onRound = Drain(target).Skip(1).ToList();
                stop.Cancel();
                var recorded = await recording;
                off.AddRange(offRound);
                on.AddRange(onRound);
                traces.Add((trace, phaseClock.Elapsed.TotalSeconds, offRound.Average(), onRound.Average(), recorded.TraceBytes));
            }
            foreach (var (trace, seconds, offAverage, onAverage, bytes) in traces)
            {
                long phaseSamples = AllocationTraceConverter.Convert(trace).Samples;
                samples += phaseSamples;
                rounds.Add(new
                {
                    unprofiled = Math.Round(offAverage),
                    profiled = Math.Round(onAverage),
                    traceMB = Math.Round(bytes / 1048576.0, 1),
                    samplesPerSecond = Math.Round(phaseSamples / seconds),
                });
                Console.WriteLine($"{workload} round {rounds.Count}: unprofiled {offAverage:N0}/s, profiled {onAverage:N0}/s, {phaseSamples / seconds:N0} samples/s");
            }
        }
        finally
        {
            foreach (var trace in traces)
                File.Delete(trace.Path);
        }

        double unprofiled = Median(off), profiled = Median(on);
        double overheadPercent = 100 * (unprofiled - profiled) / unprofiled;
        Console.WriteLine($"{workload}: median unprofiled {unprofiled:N0}/s, profiled {profiled:N0}/s: overhead {overheadPercent:F2}%");
        return new
        {
            workload,
            unprofiledOperationsPerSecond = Math.Round(unprofiled),
            profiledOperationsPerSecond = Math.Round(profiled),
            overheadPercent = Math.Round(overheadPercent, 2),
            sampledEventsPerSecond = Math.Round(samples / (double)(pairs * phaseSeconds)),
            rounds,
        };
    }

    private static List<double> Drain(Target target)
    {
        var values = new List<double>();
        while (target.Throughput.Reader.TryRead(out var item))
            values.Add(item.AllocationsPerSecond);
        return values;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
