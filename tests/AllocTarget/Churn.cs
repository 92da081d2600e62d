using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace AllocTarget;

/// <summary>Allocation-heavy loops whose throughput shows what profiling costs.</summary>
public static class Churn
{
    private static readonly object?[] Sink = new object?[4096];

    /// <summary>
    /// Runs a workload for the given time, printing "throughput &lt;operations per second&gt;" every second.
    /// "churn": nothing but allocations (the worst case for a sampler: ~100 KB between samples is
    /// reached every microsecond or so). "work": allocation-heavy but doing something with what it
    /// allocates (formatting, splitting, parsing, dictionary updates), like a busy service.
    /// </summary>
    public static void Run(TimeSpan duration, Func<long, long> batch)
    {
        Console.WriteLine("ready");
        var clock = Stopwatch.StartNew();
        long total = 0;
        long lastReport = 0;
        var lastTime = TimeSpan.Zero;
        while (clock.Elapsed < duration)
        {
            total += batch(total);
            var now = clock.Elapsed;
            if (now - lastTime >= TimeSpan.FromSeconds(1))
            {
                Console.WriteLine($"throughput {(total - lastReport) / (now - lastTime).TotalSeconds:F0}");
                lastReport = total;
                lastTime = now;
            }
        }
        Console.WriteLine($"total {total / clock.Elapsed.TotalSeconds:F0}");
    }

    /// <summary>10,000 allocations of a typical mix: strings, small arrays, small objects.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long AllocationBatch(long seed)
    {
        for (int i = 0; i < 10_000; i++)
        {
            int slot = (int)((seed + i) & 4095);
            Sink[slot] = (i % 4) switch
            {
                0 => new byte[64 + (i & 255)],
                1 => new List<int>(4),
                2 => new string('x', 16 + (i & 31)),
                _ => new object(),
            };
        }
        return 10_000;
    }

    private static readonly Dictionary<string, int> Counts = new();

    /// <summary>1,000 operations of string formatting, splitting, parsing and counting.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long WorkBatch(long seed)
    {
        for (int i = 0; i < 1_000; i++)
        {
            long n = seed + i;
            string line = $"{n % 977},{n % 131},item-{n % 61}";
            string[] fields = line.Split(',');
            int key = int.Parse(fields[0]) + int.Parse(fields[1]);
            string name = fields[2].ToUpperInvariant();
            Counts[name] = Counts.GetValueOrDefault(name) + key;
            Sink[(int)(n & 4095)] = fields;
        }
        if (Counts.Count > 10_000)
            Counts.Clear();
        return 1_000;
    }
}
