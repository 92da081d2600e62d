using HeapLens;
using HeapLens.Monitoring;

namespace HeapLens.Cli.Infrastructure;

/// <summary>
/// The captures `monitor --on-trigger` can ask for. Each name maps to a factory of an
/// <see cref="ICaptureAction"/>; a name with no implementation in this build is refused up front,
/// before the monitor attaches, rather than failing at the first trigger.
/// </summary>
internal static class CaptureActions
{
    public const string None = "none";

    private static readonly Dictionary<string, CaptureFactory?> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["timeline"] = timeline => new GcTimelineCapture(timeline),
        // Heap snapshots and allocation profiles come from their own commands' code.
        ["snapshot"] = null,
        ["allocs"] = null,
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
            factories.Add(factory ?? throw new HeapLensException($"--on-trigger {name}: not available in this build"));
        }
        return factories;
    }
}
