using HeapLens;
using HeapLens.Monitoring;

namespace HeapLens.Cli.Infrastructure;

/// <summary>
/// The captures `monitor --on-trigger` can ask for. Each name maps to a factory of an
/// <see cref="ICaptureAction"/>; an unknown name is refused up front, before the monitor
/// attaches, rather than failing at the first trigger.
/// </summary>
internal static class CaptureActions
{
    public const string None = "none";

    private static readonly Dictionary<string, CaptureFactory> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["timeline"] = timeline => new GcTimelineCapture(timeline),
        ["snapshot"] = _ => new HeapSnapshotCapture(),
        // Allocations are sampled over a window after the trigger: long enough for a profile of the
        // traffic at the time, short enough to leave the monitor watching.
        ["allocs"] = _ => new AllocationProfileCapture(TimeSpan.FromSeconds(10)),
    };

    public static IEnumerable<string> Names => Known.Keys.Append(None);

    /// <summary>Resolves "snapshot,allocs"-style choices (several values or comma-separated).</summary>
    public static IReadOnlyList<CaptureFactory> Resolve(IEnumerable<string> choices)
    {
        var names = choices
            .SelectMany(c => c.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        if (names.Any(n => n.Equals(None, StringComparison.OrdinalIgnoreCase)))
        {
            if (names.Count > 1)
                throw new HeapLensException("--on-trigger: 'none' cannot be combined with other captures");
            return [];
        }
        var factories = new List<CaptureFactory>();
        foreach (string name in names)
        {
            if (!Known.TryGetValue(name, out var factory))
                throw new HeapLensException($"--on-trigger: unknown capture '{name}' (choose from {string.Join(", ", Names)})");
            factories.Add(factory);
        }
        return factories;
    }
}
