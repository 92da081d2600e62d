using System.Globalization;
using System.Text.RegularExpressions;

namespace HeapLens.Cli.Infrastructure;

/// <summary>Parses durations the way people type them: 30s, 2m, 1m30s, 500ms, 1h, or plain seconds.</summary>
internal static partial class DurationParser
{
    [GeneratedRegex(@"^(?:(?<h>\d+(?:\.\d+)?)h)?(?:(?<m>\d+(?:\.\d+)?)m(?!s))?(?:(?<s>\d+(?:\.\d+)?)s)?(?:(?<ms>\d+)ms)?$")]
    private static partial Regex Pattern();

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        text = text.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
        {
            duration = TimeSpan.FromSeconds(seconds);
            return seconds > 0;
        }
        var match = Pattern().Match(text);
        if (text.Length == 0 || !match.Success)
            return false;
        duration = TimeSpan.FromHours(Part(match, "h")) + TimeSpan.FromMinutes(Part(match, "m"))
                   + TimeSpan.FromSeconds(Part(match, "s")) + TimeSpan.FromMilliseconds(Part(match, "ms"));
        return duration > TimeSpan.Zero;
    }

    private static double Part(Match match, string group) =>
        match.Groups[group].Success ? double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
}
