using System.Globalization;
using HeapLens;

namespace HeapLens.Cli.Infrastructure;

/// <summary>Durations as people type them: 90, 90s, 1.5m, 2h, 500ms, or 00:01:30.</summary>
internal static class DurationText
{
    public static TimeSpan Parse(string text, string optionName)
    {
        string value = text.Trim().ToLowerInvariant();
        (string number, double unitSeconds) = value switch
        {
            _ when value.EndsWith("ms", StringComparison.Ordinal) => (value[..^2], 0.001),
            _ when value.EndsWith('s') => (value[..^1], 1.0),
            _ when value.EndsWith('m') => (value[..^1], 60.0),
            _ when value.EndsWith('h') => (value[..^1], 3600.0),
            _ when value.EndsWith('d') => (value[..^1], 86400.0),
            _ => (value, 1.0),
        };
        if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double amount)
            && amount >= 0 && !double.IsInfinity(amount))
            return TimeSpan.FromSeconds(amount * unitSeconds);
        if (value.Contains(':') && TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero)
            return span;
        throw new HeapLensException($"{optionName}: '{text}' is not a duration (examples: 30s, 5m, 1h, 500ms)");
    }
}
