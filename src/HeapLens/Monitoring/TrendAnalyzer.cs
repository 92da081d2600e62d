using System.Globalization;
using HeapLens.Analysis;
using HeapLens.Timelines;

namespace HeapLens.Monitoring;

/// <summary>
/// Tells a leak from a big working set by the post-GC floor. High memory is a level; a leak is a
/// trend: after every GC the heap falls back to about the same floor unless something keeps what
/// it allocates. The analysis skips the warm-up, takes the floor points (heap after full GCs when
/// there are enough of them, else the lowest heap-after per time window), fits a Theil-Sen line
/// and asks Mann-Kendall how sure the rise is. A rise must be both sure and material to be a leak.
/// </summary>
public static class TrendAnalyzer
{
    public static TrendResult Analyze(GcHistory history, TrendOptions? options = null)
    {
        options ??= new TrendOptions();
        var buckets = history.Buckets;
        if (buckets.Count == 0)
            return TrendResult.Unknown("no GC seen yet");

        double to = buckets[^1].EndSeconds;
        double from = options.WindowSeconds is double window
            ? Math.Max(options.WarmupSeconds, to - window)
            : options.WarmupSeconds;
        var watched = buckets.Where(b => b.EndSeconds >= from).ToList();
        double span = to - from;
        if (watched.Count == 0 || span < options.MinimumSpanSeconds)
        {
            double watchedSeconds = Math.Max(0, span);
            return TrendResult.Unknown(Invariant(
                $"warming up: {watchedSeconds:0} s of {options.MinimumSpanSeconds:0} s watched after a {options.WarmupSeconds:0} s warm-up"),
                from, to);
        }

        var (source, points) = FloorPoints(watched, from, span, options);
        if (points.Count < options.MinimumFloorPoints)
            return TrendResult.Unknown(Invariant($"only {points.Count} floor points after the warm-up; need {options.MinimumFloorPoints}"),
                from, to, points);

        var fit = TheilSen.Fit(points.Select(p => p.Seconds).ToList(), points.Select(p => (double)p.Bytes).ToList());
        double swing = MedianSwing(watched);
        double medianFloor = Median(points.Select(p => (double)p.Bytes));
        double growth = fit.Slope * span;
        double material = Math.Max(options.MinimumGrowthFraction * medianFloor, options.MinimumGrowthBytes);

        TrendPattern pattern;
        string reason;
        if (fit.RisingProbability >= options.LeakConfidence && growth >= material)
        {
            pattern = TrendPattern.RisingFloor;
            reason = Invariant($"the floor rose {growth / 1048576:0.0} MB in {span:0} s ({Percent(fit.RisingProbability)} sure it rises)");
        }
        else
        {
            pattern = swing >= options.SawtoothSwingFraction ? TrendPattern.Sawtooth : TrendPattern.Flat;
            string floorSays = fit.RisingProbability < options.LeakConfidence
                ? Invariant($"no sure rise of the floor ({Percent(fit.RisingProbability)})")
                : Invariant($"the floor rose only {growth / 1048576:0.0} MB, below the {material / 1048576:0.0} MB that would matter");
            reason = Invariant($"{floorSays}; the heap swings {swing * 100:0}% of the floor between GCs");
        }
        return new TrendResult(pattern, fit.Slope, fit.SlopeLow, fit.SlopeHigh, fit.RisingProbability, fit.Intercept,
            points[^1].Bytes, swing, source, points, from, to, reason);
    }

    private static (FloorSource, List<FloorPoint>) FloorPoints(List<GcBucket> watched, double from, double span, TrendOptions options)
    {
        // A full GC leaves only what is alive: the best floor measure, when it covers the stretch.
        var full = watched
            .Where(b => b.FullCount > 0 && b.MinFullAfterSeconds >= from)
            .Select(b => new FloorPoint(b.MinFullAfterSeconds, b.MinFullAfter))
            .ToList();
        if (full.Count >= options.MinimumFloorPoints && full[^1].Seconds - full[0].Seconds >= span / 2)
        {
            // Theil-Sen costs n²: beyond a few dozen points, the lowest per window says the same.
            return (FloorSource.FullGcs, full.Count <= MaxFullGcPoints ? full : LowestPerWindow(full, from, span, MaxFullGcPoints));
        }

        // Otherwise the lower envelope: a gen0 GC leaves garbage in the older generations, but the
        // lowest heap-after in a window comes closest to what is alive. It is the settled heap,
        // which leaves out what no GC has looked at since it was promoted or allocated: garbage
        // waiting for a rare gen1 or full GC would otherwise climb like a leak.
        var afterEachBucket = watched
            .Where(b => b.MinSettledSeconds >= from)
            .Select(b => new FloorPoint(b.MinSettledSeconds, b.MinSettled));
        return (FloorSource.LowerEnvelope, LowestPerWindow(afterEachBucket, from, span, Math.Max(1, options.EnvelopeWindows)));
    }

    private const int MaxFullGcPoints = 64;

    /// <summary>Cuts [from, from + span] into equal windows and keeps each window's lowest point.</summary>
    private static List<FloorPoint> LowestPerWindow(IEnumerable<FloorPoint> points, double from, double span, int windows)
    {
        double width = span / windows;
        var lowest = new FloorPoint?[windows];
        foreach (var point in points)
        {
            int window = Math.Clamp((int)((point.Seconds - from) / width), 0, windows - 1);
            if (lowest[window] is not { } current || point.Bytes < current.Bytes)
                lowest[window] = point;
        }
        return lowest.OfType<FloorPoint>().ToList();
    }

    /// <summary>How far the heap climbs between GCs, relative to where it falls back to.</summary>
    private static double MedianSwing(List<GcBucket> watched) =>
        Median(watched.Select(b => (double)(b.MaxBefore - b.MinAfter) / Math.Max(b.MinAfter, 1)));

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
            return 0;
        int mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static string Percent(double probability) => Invariant($"{probability * 100:0.#}%");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
