using System.Diagnostics;
using System.Text.Json;
using HeapLens.Collection.Nettrace;
using HeapLens.Snapshots;

namespace HeapLens.Bench;

/// <summary>
/// `--build file.nettrace`: the graph build alone (what a capture does once the stream has ended, besides reading
/// names from the target), from a saved heap-walk stream read by the fast reader: wall and CPU time (user+sys) of
/// BuildGraph (address index, references resolved, node arrays copied out of the builder's chunks) and of the
/// snapshot's remaining assembly, with the process's peak working set. One process, one build: what a capture pays.
/// `--build file.nettrace out.heapsnap` also writes the snapshot (timed within buildWallSeconds), e.g. to compare
/// the bytes two versions of HeapLens write from one stream.
/// </summary>
internal static class BuildRun
{
    public static void Run(string path, string? writeTo = null)
    {
        var read = HeapWalkReading.Read(() => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0), HeapWalkReader.Fast);
        using var builder = read.Parser.Builder;
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        builder.BuildGraph();
        double graphWall = clock.Elapsed.TotalSeconds;
        process.Refresh();
        double graphCpu = (process.TotalProcessorTime - cpu).TotalSeconds;
        var snapshot = builder.Build(new SnapshotMetadata());
        if (writeTo is not null)
            HeapLens.Formats.HeapSnap.HeapSnapFile.Write(snapshot, writeTo);
        process.Refresh();
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            file = Path.GetFileName(path),
            objects = snapshot.NodeCount,
            references = snapshot.EdgeCount,
            buildGraphWallSeconds = Math.Round(graphWall, 3),
            buildGraphCpuSeconds = Math.Round(graphCpu, 3),
            buildWallSeconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
            buildCpuSeconds = Math.Round((process.TotalProcessorTime - cpu).TotalSeconds, 3),
            peakWorkingSetMB = process.PeakWorkingSet64 >> 20,
            loadAverage = File.ReadAllText("/proc/loadavg").Trim(),
        }));
    }
}
