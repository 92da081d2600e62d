using System.Diagnostics;
using System.Text.Json;
using HeapLens.Collection.Nettrace;

namespace HeapLens.Bench;

/// <summary>
/// `--parse file.nettrace [runs]`: the parse rate alone, from a saved heap-walk stream (heaplens snapshot
/// --keep-stream), for the fast reader and for TraceEvent: wall time, CPU time of the process (user+sys,
/// the figure that holds on a loaded machine) and objects per CPU second. The graph is not built (Build),
/// only the walk read into the builder, which is what the capture does while the stream arrives.
/// Prints one JSON line per reader; `--parse file runs Fast|TraceEvent` runs one reader (one process each
/// gives each reader the same cold start).
/// </summary>
internal static class ParseRun
{
    public static void Run(string path, int runs, string? only = null)
    {
        var readers = only is null ? new[] { HeapWalkReader.Fast, HeapWalkReader.TraceEvent } : [Enum.Parse<HeapWalkReader>(only, ignoreCase: true)];
        foreach (var reader in readers)
        {
            double bestWall = double.MaxValue, bestCpu = double.MaxValue, firstWall = 0, firstCpu = 0;
            long objects = 0, edges = 0, allocated = 0;
            double userSeconds = 0;
            for (int run = 0; run < runs; run++)
            {
                GC.Collect();
                var process = Process.GetCurrentProcess();
                var cpu = process.TotalProcessorTime;
                var user = process.UserProcessorTime;
                long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                var clock = Stopwatch.StartNew();
                var read = HeapWalkReading.Read(() => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0), reader);
                clock.Stop();
                process.Refresh();
                double cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;
                userSeconds = (process.UserProcessorTime - user).TotalSeconds;
                allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
                using var builder = read.Parser.Builder;
                if (!read.Parser.WalkComplete)
                    throw new InvalidOperationException($"{path}: no complete walk ({reader}, lost {read.EventsLost})");
                objects = builder.NodeCount;
                edges = builder.ReceivedEdgeCount;
                if (run == 0)
                    (firstWall, firstCpu) = (clock.Elapsed.TotalSeconds, cpuSeconds);
                bestWall = Math.Min(bestWall, clock.Elapsed.TotalSeconds);
                bestCpu = Math.Min(bestCpu, cpuSeconds);
            }
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                reader = reader.ToString(),
                file = Path.GetFileName(path),
                streamBytes = new FileInfo(path).Length,
                objects,
                references = edges,
                runs,
                // The first run is the one a capture pays: fresh memory for the builder's chunks. Later runs
                // in the same process get memory the allocator kept (no page faults): a lower bound.
                firstRunWallSeconds = Math.Round(firstWall, 3),
                firstRunCpuSeconds = Math.Round(firstCpu, 3),
                firstRunObjectsPerCpuSecond = Math.Round(objects / firstCpu),
                bestWallSeconds = Math.Round(bestWall, 3),
                bestCpuSeconds = Math.Round(bestCpu, 3),
                userSecondsLastRun = Math.Round(userSeconds, 3),
                objectsPerCpuSecond = Math.Round(objects / bestCpu),
                objectsPerWallSecond = Math.Round(objects / bestWall),
                managedBytesAllocatedLastRun = allocated,
                loadAverage = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "",
            }));
        }
    }
}
