using System.Globalization;
using System.Text.RegularExpressions;
using HeapLens;

namespace HeapLens.Cli.Infrastructure;

/// <summary>
/// The one parser of durations for every command: 30s, 2m, 1m30s, 1.5m, 500ms, 2h, 1d, 00:01:30,
/// or plain seconds (90, 2.5). Values are finite, not negative, and at most <see cref="Longest"/>:
/// "1e300", "NaN", "Infinity" or "99999999h" are refused with a message, never an overflow.
/// </summary>
internal static partial class DurationParser
{
    /// <summary>Longer than any capture or monitoring run, and far inside what TimeSpan holds.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(366);

    [GeneratedRegex(@"^(?:(?<d>\d+(?:\.\d+)?)d)?(?:(?<h>\d+(?:\.\d+)?)h)?(?:(?<m>\d+(?:\.\d+)?)m(?!s))?(?:(?<s>\d+(?:\.\d+)?)s)?(?:(?<ms>\d+(?:\.\d+)?)ms)?$")]
    private static partial Regex Units();

    /// <summary>The duration, or a HeapLensException naming the option. Zero only where <paramref name="allowZero"/>.</summary>
    public static TimeSpan Parse(string text, string optionName, bool allowZero = false) =>
        TryParse(text, out var duration, allowZero)
            ? duration
            : throw new HeapLensException(
                $"{optionName}: '{text}' is not a duration {(allowZero ? "" : "above 0 ")}up to {Longest.TotalDays:0} days " +
                "(examples: 30s, 1m30s, 2h, 500ms, 00:01:30)");

    public static bool TryParse(string text, out TimeSpan duration, bool allowZero = false)
    {
        duration = TimeSpan.Zero;
        string value = text.Trim().ToLowerInvariant();
        if (value.Length == 0 || !TrySeconds(value, out double seconds))
            return false;
        if (!double.IsFinite(seconds) || seconds < 0 || (seconds == 0 && !allowZero) || seconds > Longest.TotalSeconds)
            return false;
        duration = TimeSpan.FromSeconds(seconds);
        return true;
    }

    private static bool TrySeconds(string value, out double seconds)
    {
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out seconds))
            return true;
        if (value.Contains(':'))
        {
            bool parsed = TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span);
            seconds = span.TotalSeconds;
            return parsed;
        }
        var match = Units().Match(value);
        seconds = Part(match, "d") * 86400 + Part(match, "h") * 3600 + Part(match, "m") * 60 + Part(match, "s") + Part(match, "ms") / 1000;
        return match.Success;
    }

    private static double Part(Match match, string group) =>
        match.Success && match.Groups[group].Success ? double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
}
