using System.Globalization;
using HeapLens;

namespace HeapLens.Cli.Infrastructure;

/// <summary>Sizes as people type them: 1048576, 512KB, 500MB, 1.5GB (binary units: 1 KB = 1024 bytes).</summary>
internal static class SizeText
{
    private static readonly (string Suffix, long Factor)[] Units =
    [
        ("kib", 1L << 10), ("mib", 1L << 20), ("gib", 1L << 30), ("tib", 1L << 40),
        ("kb", 1L << 10), ("mb", 1L << 20), ("gb", 1L << 30), ("tb", 1L << 40),
        ("k", 1L << 10), ("m", 1L << 20), ("g", 1L << 30), ("t", 1L << 40),
        ("b", 1),
    ];

    public static long Parse(string text, string optionName)
    {
        string value = text.Trim().ToLowerInvariant().Replace(" ", "");
        long factor = 1;
        foreach (var (suffix, unitFactor) in Units)
        {
            if (value.EndsWith(suffix, StringComparison.Ordinal))
            {
                value = value[..^suffix.Length];
                factor = unitFactor;
                break;
            }
        }
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double amount)
            && amount >= 0 && amount * factor < long.MaxValue)
            return (long)(amount * factor);
        throw new HeapLensException($"{optionName}: '{text}' is not a size (examples: 500MB, 1.5GB, 1048576)");
    }

    /// <summary>A percentage: 50 or 50%.</summary>
    public static double ParsePercent(string text, string optionName)
    {
        string value = text.Trim().TrimEnd('%');
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double percent) && percent > 0 && !double.IsInfinity(percent))
            return percent;
        throw new HeapLensException($"{optionName}: '{text}' is not a positive percentage (example: 50 or 50%)");
    }
}
