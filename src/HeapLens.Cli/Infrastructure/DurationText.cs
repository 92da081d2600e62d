namespace HeapLens.Cli.Infrastructure;

/// <summary>
/// Durations where zero is meaningful (a warm-up, a cool-down): <see cref="DurationParser"/>, the one
/// parser, with zero allowed. Kept under this name for the commands that call it.
/// </summary>
internal static class DurationText
{
    public static TimeSpan Parse(string text, string optionName) => DurationParser.Parse(text, optionName, allowZero: true);
}
