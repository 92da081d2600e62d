using System.Diagnostics;
using System.Text.Json;
using HeapLens.Formats.HeapSnap;

namespace HeapLens.Bench;

/// <summary>
/// `--write file.heapsnap [runs]`: the snapshot's write alone (what a capture does last), timed: the file is read
/// once, then written again `runs` times to a temporary file beside it, each run's wall and CPU time (the whole
/// process, so the compressing threads count) printed with the file's size as one JSON line. With `keep`, the
/// last run's file is kept there (a version-2 copy of a version-1 file, for `--read`).
/// </summary>
internal static class WriteRun
{
    public static void Run(string path, int runs, string? keep = null)
    {
        var snapshot = HeapSnapFile.Read(path);
        string output = path + ".write-bench";
        var wall = new List<double>();
        var cpu = new List<double>();
        long bytes = 0;
        try
        {
            for (int run = 0; run < runs; run++)
            {
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                HeapSnapFile.Write(snapshot, output);
                wall.Add(Math.Round(clock.Elapsed.TotalSeconds, 3));
                cpu.Add(Math.Round((Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds, 3));
                bytes = new FileInfo(output).Length;
            }
        }
        finally
        {
            if (keep is not null && File.Exists(output))
                File.Move(output, keep, overwrite: false);
            File.Delete(output);
        }
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            objects = snapshot.NodeCount,
            references = snapshot.EdgeCount,
            fileBytes = bytes,
            wallSeconds = wall,
            cpuSeconds = cpu,
            processors = Environment.ProcessorCount,
            loadAverage = File.ReadAllText("/proc/loadavg").Split(' ')[0],
        }));
    }
}
