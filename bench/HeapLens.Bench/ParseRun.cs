using System.Diagnostics;
using System.Text.Json;
using HeapLens.Collection.Nettrace;

namespace HeapLens.Bench;

/// <summary>
/// `--parse file.nettrace [runs]`: the parse rate alone, from a saved heap-walk stream (heaplens snapshot
/// --keep-stream), for the fast reader and for TraceEvent: wall time, CPU time of the process (user+sys,
/// the figure that holds on a loaded machine) and objects per CPU second. The graph is not built (Build),
/// only the walk read into the builder, which is what the capture does while the stream arrives.
/// Prints one JSON line per reader.
/// </summary>
internal static class ParseRun
{
    public static void Run(string path, int runs)
    {
        foreach (var reader in new[] { HeapWalkReader.Fast, HeapWalkReader.TraceEvent })
        {
            double bestWall = double.MaxValue, bestCpu = double.MaxValue;
            long objects = 0, edges = 0, allocated = 0;
            for (int run = 0; run < runs; run++)
            {
                GC.Collect();
                var process = Process.GetCurrentProcess();
                var cpu = process.TotalProcessorTime;
                long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                var clock = Stopwatch.StartNew();
                var read = HeapWalkReading.Read(() => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0), reader);
                clock.Stop();
                process.Refresh();
                double cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;
                allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
                using var builder = read.Parser.Builder;
                if (!read.Parser.WalkComplete)
                    throw new InvalidOperationException($"{path}: no complete walk ({reader}, lost {read.EventsLost})");
                objects = builder.NodeCount;
                edges = builder.ReceivedEdgeCount;
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
                bestWallSeconds = Math.Round(bestWall, 3),
                bestCpuSeconds = Math.Round(bestCpu, 3),
                objectsPerCpuSecond = Math.Round(objects / bestCpu),
                objectsPerWallSecond = Math.Round(objects / bestWall),
                managedBytesAllocatedLastRun = allocated,
                loadAverage = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "",
            }));
        }
    }
}
