using HeapLens.Monitoring;
using HeapLens.Timelines;

namespace HeapLens.Tests.Monitoring;

/// <summary>
/// Builds GC sequences with a known shape: a floor that follows a given function of time, gen0 GCs
/// at a fixed interval with a given swing above the floor, optional full GCs and noise.
/// </summary>
internal sealed class SyntheticTimeline
{
    public double Seconds { get; init; } = 60;
    public double GcInterval { get; init; } = 0.5;
    public required Func<double, double> Floor { get; init; }
    public double Swing { get; init; } = 16 * Mb;
    /// <summary>Garbage promoted into gen2 per gen0 GC; only full GCs clear it.</summary>
    public double PromotedGarbagePerGc { get; init; }
    /// <summary>Every n-th GC is a full GC (0: none).</summary>
    public int FullEvery { get; init; }
    /// <summary>Garbage promoted into gen1 per gen0 GC; gen1 and full GCs clear it.</summary>
    public double Gen1GarbagePerGc { get; init; }
    /// <summary>Every n-th GC is a gen1 GC, unless it is a full GC (0: none).</summary>
    public int Gen1Every { get; init; }
    public double NoiseFraction { get; init; }
    public int Seed { get; init; } = 1;

    public const double Mb = 1024 * 1024;

    public IEnumerable<GcEvent> Events()
    {
        var random = new Random(Seed);
        double garbage = 0, gen1Garbage = 0;
        long number = 0;
        long previousAfter = -1;
        for (double t = GcInterval; t <= Seconds; t += GcInterval)
        {
            number++;
            bool full = FullEvery > 0 && number % FullEvery == 0;
            bool gen1 = !full && Gen1Every > 0 && number % Gen1Every == 0;
            garbage = full ? 0 : garbage + PromotedGarbagePerGc;
            gen1Garbage = full || gen1 ? 0 : gen1Garbage + Gen1GarbagePerGc;
            double noise = 1 + NoiseFraction * (2 * random.NextDouble() - 1);
            long gen2 = (long)((Floor(t) + garbage) * noise);
            long after = gen2 + (long)gen1Garbage;
            long before = after + (long)Swing;
            var sizes = new GenerationSizes(0, (long)gen1Garbage, gen2, 0, 0);
            long allocated = previousAfter < 0 ? 0 : Math.Max(0, before - previousAfter);
            yield return new GcEvent(number, t, full ? 2 : gen1 ? 1 : 0, "AllocSmall", "NonConcurrentGC", 0.5, before, sizes,
                after / 10, 0, allocated, allocated / GcInterval);
            previousAfter = after;
        }
    }

    public GcHistory History()
    {
        var history = new GcHistory();
        foreach (var gc in Events())
            history.Add(gc);
        return history;
    }
}
