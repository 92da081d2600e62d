using System.Diagnostics;
using System.Text.Json;
using HeapLens.Formats.HeapSnap;

namespace HeapLens.Bench;

/// <summary>
/// `--read file.heapsnap [runs]`: <see cref="HeapSnapFile.Read"/> alone, timed `runs` times (each after a full
/// GC, the file in the page cache after the first): each run's wall and CPU time (the whole process) and the
/// file's version and size, as one JSON line.
/// </summary>
internal static class ReadRun
{
    public static void Run(string path, int runs)
    {
        var wall = new List<double>();
        var cpu = new List<double>();
        int objects = 0;
        for (int run = 0; run < runs; run++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var snapshot = HeapSnapFile.Read(path);
            wall.Add(Math.Round(clock.Elapsed.TotalSeconds, 3));
            cpu.Add(Math.Round((Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds, 3));
            objects = snapshot.NodeCount;
        }
        using var file = File.OpenRead(path);
        var header = new byte[12];
        file.ReadExactly(header);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            version = BitConverter.ToInt32(header, 8),
            objects,
            fileBytes = file.Length,
            wallSeconds = wall,
            cpuSeconds = cpu,
            processors = Environment.ProcessorCount,
            loadAverage = File.ReadAllText("/proc/loadavg").Split(' ')[0],
        }));
    }
}
