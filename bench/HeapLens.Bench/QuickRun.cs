using System.Diagnostics;
using System.Text.Json;
using HeapLens.Analysis;

namespace HeapLens.Bench;

/// <summary>
/// `--quick shape [nodes]`: one shape per process, timed with a Stopwatch, printing one JSON line.
/// Peak memory is the process's peak resident set (VmHWM, reset through /proc/self/clear_refs
/// after the graph is built) minus the resident set of the loaded graph.
/// </summary>
public static class QuickRun
{
    public static void Run(string shape, int nodes, int runs)
    {
        var build = Stopwatch.StartNew();
        var snapshot = SyntheticHeaps.Create(shape, nodes);
        build.Stop();

        var dominatorSeconds = new List<double>();
        var dominatorCpuSeconds = new List<double>();
        var byTypeSeconds = new List<double>();
        long peakAboveGraph = 0;
        long allocated = 0;
        for (int run = 0; run < runs; run++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            long graphResident = ResetPeakResident();
            long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var tree = DominatorTree.Compute(snapshot);
            dominatorSeconds.Add(clock.Elapsed.TotalSeconds);
            dominatorCpuSeconds.Add((Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds);
            clock.Restart();
            var byType = RetainedByType.Compute(snapshot, tree);
            byTypeSeconds.Add(clock.Elapsed.TotalSeconds);

            allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            peakAboveGraph = Math.Max(peakAboveGraph, PeakResident() - graphResident);
            GC.KeepAlive(byType);
        }

        // Loading a stored tree: rebuilding it from its two per-node arrays.
        var stored = DominatorTree.Compute(snapshot);
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var loadClock = Stopwatch.StartNew();
        GC.KeepAlive(DominatorTree.FromStored(snapshot, stored.ImmediateDominator, stored.RetainedSize));
        double fromStoredSeconds = loadClock.Elapsed.TotalSeconds;
        stored = null;

        // The immediate dominators alone (DFS + semidominators + NCA), to split the total.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var idomClock = Stopwatch.StartNew();
        SemiNcaDominators.Compute(snapshot, CancellationToken.None).Dispose();
        double idomSeconds = idomClock.Elapsed.TotalSeconds;

        Console.WriteLine(JsonSerializer.Serialize(new
        {
            shape,
            nodes = snapshot.NodeCount,
            references = snapshot.EdgeCount,
            buildGraphSeconds = Math.Round(build.Elapsed.TotalSeconds, 2),
            dominatorsAndRetainedSeconds = dominatorSeconds.Select(s => Math.Round(s, 3)).ToArray(),
            dominatorsAndRetainedCpuSeconds = dominatorCpuSeconds.Select(s => Math.Round(s, 3)).ToArray(),
            immediateDominatorsOnlySeconds = Math.Round(idomSeconds, 3),
            fromStoredSeconds = Math.Round(fromStoredSeconds, 3),
            retainedByTypeSeconds = byTypeSeconds.Select(s => Math.Round(s, 3)).ToArray(),
            allocatedMB = allocated >> 20,
            peakResidentAboveGraphMB = peakAboveGraph >> 20,
            loadAverage = File.ReadAllText("/proc/loadavg").Split(' ')[0],
        }));
    }

    /// <summary>Resets the kernel's peak-RSS counter and returns the current resident set.</summary>
    private static long ResetPeakResident()
    {
        File.WriteAllText("/proc/self/clear_refs", "5");
        return StatusKilobytes("VmRSS:") * 1024;
    }

    private static long PeakResident() => StatusKilobytes("VmHWM:") * 1024;

    private static long StatusKilobytes(string field)
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0]);
    }
}
