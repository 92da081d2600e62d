using System.Diagnostics;
using HeapLens.Collection.Nettrace;
using HeapLens.Snapshots;

namespace HeapLens.Bench;

/// <summary>
/// `--parse-parts file.nettrace`: where the fast reader's CPU goes: reading the blocks alone (I/O and
/// framing), and the graph builder alone fed the same number of objects and references.
/// </summary>
internal static class ParseParts
{
    public static void Run(string path, long objects, long references)
    {
        Measure("blocks only", () =>
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0);
            using var blocks = new NettraceBlocks(stream);
            blocks.ReadHeader();
            long bytes = 0;
            while (blocks.Next(out _, out var block))
                bytes += block.Length;
            return bytes;
        });
        Measure("builder only", () =>
        {
            using var builder = new HeapGraphBuilder();
            for (long i = 0; i < objects; i++)
                builder.AddNode(0x1000 + (ulong)i * 24, 24, 0x7f00, i < references ? 1 : 0);
            for (long i = 0; i < references; i++)
                builder.AddEdge(0x1000 + (ulong)i * 24);
            return builder.NodeCount;
        });
    }

    private static void Measure(string what, Func<long> work)
    {
        GC.Collect();
        var process = Process.GetCurrentProcess();
        var user = process.UserProcessorTime;
        var sys = process.PrivilegedProcessorTime;
        var clock = Stopwatch.StartNew();
        long result = work();
        process.Refresh();
        Console.WriteLine($"{what}: {result:N0}, wall {clock.Elapsed.TotalSeconds:0.000} s, user {(process.UserProcessorTime - user).TotalSeconds:0.000} s, " +
                          $"sys {(process.PrivilegedProcessorTime - sys).TotalSeconds:0.000} s; load {File.ReadAllText("/proc/loadavg").Trim()}");
    }
}
