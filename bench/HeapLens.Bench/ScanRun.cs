using System.Diagnostics;
using HeapLens.Collection;

namespace HeapLens.Bench;

/// <summary>
/// `--scan [runs]`: the CPU time of one look for .NET processes, as `heaplens serve` makes every 5 s, on
/// this machine's temp directory (the number of ports, live and stale, is printed): a fresh scan that
/// probes every port (ProcessLocator.List, what `ps` does once), the port listing alone, and the agent's
/// remembering scanner when the directory did not change since its last listing. CPU time of this
/// process (the loops are single-threaded), so other work on the machine weighs less than on wall time.
/// </summary>
public static class ScanRun
{
    public static void Run(int runs)
    {
        var ports = DiagnosticsPorts.List(DiagnosticsPorts.DefaultDirectory);
        int live = ProcessLocator.List().Count;
        Console.WriteLine($"{ports.Count} diagnostics ports in {DiagnosticsPorts.DefaultDirectory}, {live} of them live .NET processes; load {Load()}");
        Report("fresh scan, every port probed (ProcessLocator.List)", runs, () => ProcessLocator.List());
        Report("port listing alone (directory read, names parsed)", runs, () => DiagnosticsPorts.List(DiagnosticsPorts.DefaultDirectory));
        var scanner = new ProcessScanner();
        scanner.List();
        int listings = scanner.Listings;
        Report("remembering scanner (ProcessScanner.List)", runs, () => scanner.List());
        Console.WriteLine($"  the remembering scanner listed the directory {scanner.Listings - listings} times in {runs} scans (it changed meanwhile)");
    }

    private static void Report(string what, int runs, Action scan)
    {
        scan(); // warm: JIT
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        var wall = Stopwatch.StartNew();
        for (int i = 0; i < runs; i++)
            scan();
        wall.Stop();
        process.Refresh();
        double cpuMs = (process.TotalProcessorTime - cpu).TotalMilliseconds / runs;
        double kb = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1024.0 / runs;
        Console.WriteLine($"{what}: {cpuMs:0.000} ms CPU, {wall.Elapsed.TotalMilliseconds / runs:0.000} ms wall, {kb:0.0} KB allocated per scan");
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
