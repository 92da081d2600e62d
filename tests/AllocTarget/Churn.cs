using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace AllocTarget;

/// <summary>An allocation-heavy loop whose throughput shows what profiling costs.</summary>
public static class Churn
{
    private static readonly object?[] Sink = new object?[4096];

    public static void Run(TimeSpan duration)
    {
        Console.WriteLine("ready");
        var clock = Stopwatch.StartNew();
        long total = 0;
        long lastReport = 0;
        var lastTime = TimeSpan.Zero;
        while (clock.Elapsed < duration)
        {
            total += Batch(total);
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
    private static long Batch(long seed)
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
}
