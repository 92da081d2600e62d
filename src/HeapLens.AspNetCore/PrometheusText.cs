using System.Globalization;
using System.Text;
using HeapLens.Monitoring;

namespace HeapLens.AspNetCore;

/// <summary>
/// The GC counters of the watched processes in Prometheus's text exposition format (0.0.4): each family
/// once, with its HELP and TYPE, then one sample per process (labels pid and name). The floor and its
/// slope are left out for a process whose trend is still unknown (warming up): no number beats a wrong one.
/// </summary>
public static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static readonly string[] Generations = ["0", "1", "2"];

    public static string Write(IReadOnlyList<ProcessGcCounters> processes)
    {
        var text = new StringBuilder();
        Family(text, "heaplens_gc_floor_bytes", "gauge", "The post-GC heap floor (bytes) the trend analysis found.",
            processes.Where(Known), p => [(null, p.Trend.FloorBytes)]);
        Family(text, "heaplens_gc_floor_slope_bytes_per_second", "gauge", "How fast the post-GC floor rises (bytes per second; a leak rises).",
            processes.Where(Known), p => [(null, p.Trend.SlopeBytesPerSecond)]);
        Family(text, "heaplens_leak_suspected", "gauge", "1 when the post-GC floor rises surely and materially (a leak), else 0.",
            processes, p => [(null, p.Trend.Leak ? 1 : 0)]);
        Family(text, "heaplens_gc_heap_after_bytes", "gauge", "Heap bytes per generation after the latest GC.",
            processes.Where(p => p.LastHeapAfter is not null), p =>
            {
                var after = p.LastHeapAfter!.Value;
                return [("0", after.Gen0), ("1", after.Gen1), ("2", after.Gen2), ("loh", after.LargeObjects), ("poh", after.PinnedObjects)];
            });
        Family(text, "heaplens_gc_pause_seconds_total", "counter", "Time the runtime was suspended for GCs since the watch began.",
            processes, p => [(null, p.PauseSeconds)]);
        Family(text, "heaplens_gc_collections_total", "counter", "GCs since the watch began, by condemned generation.",
            processes, p => [.. Generations.Select((g, i) => ((string?)g, (double)p.CollectionsByGeneration[i]))]);
        Family(text, "heaplens_allocated_bytes_total", "counter", "Bytes allocated between GCs since the watch began.",
            processes, p => [(null, p.AllocatedBytes)]);
        return text.ToString();
    }

    private static bool Known(ProcessGcCounters p) => p.Trend.Pattern != TrendPattern.Unknown;

    private static void Family(StringBuilder text, string name, string type, string help, IEnumerable<ProcessGcCounters> processes,
        Func<ProcessGcCounters, (string? Generation, double Value)[]> samples)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        foreach (var process in processes)
        {
            foreach (var (generation, value) in samples(process))
            {
                text.Append(name).Append("{pid=\"").Append(process.Process.Id.ToString(CultureInfo.InvariantCulture))
                    .Append("\",name=\"").Append(EscapeLabel(process.Process.Name)).Append('"');
                if (generation is not null)
                    text.Append(",generation=\"").Append(generation).Append('"');
                text.Append("} ").Append(Number(value)).Append('\n');
            }
        }
    }

    private static string Number(double value) =>
        double.IsNaN(value) ? "NaN"
        : double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A label value escapes backslash, double quote and line feed (a process names itself: hostile).</summary>
    internal static string EscapeLabel(string value) =>
        SafeText.Of(value).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal);
}
