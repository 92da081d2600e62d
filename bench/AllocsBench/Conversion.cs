using System.Diagnostics;
using HeapLens.Collection;
using HeapLens.Formats.Pprof;

namespace HeapLens.Bench.Allocs;

/// <summary>
/// Time to turn a long, dense trace into a profile: AllocTarget churn recorded for N seconds (about
/// a million AllocationSampled events for 30 s), then trace → ETLX → profile → gzip pprof, timed.
/// </summary>
internal static class Conversion
{
    public static async Task RunAsync(int seconds, string results)
    {
        string directory = Directory.CreateTempSubdirectory("allocs-bench-").FullName;
        try
        {
            string trace = Path.Combine(directory, "churn.nettrace");
            using (var target = new Target("churn", seconds + 30))
            {
                await target.Ready;
                await Task.Delay(TimeSpan.FromSeconds(2));
                await AllocationRecorder.RecordAsync(target.Id, trace, TimeSpan.FromSeconds(seconds), 10, null, CancellationToken.None);
            }
            long traceBytes = new FileInfo(trace).Length;

            var clock = Stopwatch.StartNew();
            var conversion = AllocationTraceConverter.Convert(trace);
            var converted = clock.Elapsed;
            string profilePath = Path.Combine(directory, "churn.pb.gz");
            PprofFile.Save(conversion.Profile, profilePath);
            var total = clock.Elapsed;
            long peakMB = Process.GetCurrentProcess().PeakWorkingSet64 >> 20;

            Console.WriteLine($"{conversion.Samples:N0} samples, trace {traceBytes >> 20} MB: converted in {converted.TotalSeconds:F1}s, written in {total.TotalSeconds:F1}s");
            Machine.Save(results, "allocs-conversion.json", new
            {
                benchmark = "nettrace -> allocation profile -> gzip pprof, for a trace of AllocTarget churn",
                recordedSeconds = seconds,
                samples = conversion.Samples,
                eventsLost = conversion.EventsLost,
                traceMB = Math.Round(traceBytes / 1048576.0, 1),
                profileSamples = conversion.Profile.Samples.Count,
                profileKB = Math.Round(new FileInfo(profilePath).Length / 1024.0, 1),
                convertSeconds = Math.Round(converted.TotalSeconds, 2),
                totalSeconds = Math.Round(total.TotalSeconds, 2),
                samplesPerSecond = Math.Round(conversion.Samples / total.TotalSeconds),
                peakWorkingSetMB = peakMB,
                machine = Machine.Describe(),
                measuredAt = DateTime.UtcNow,
            });
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
