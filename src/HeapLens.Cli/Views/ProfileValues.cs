using System.Globalization;

namespace HeapLens.Cli.Views;

/// <summary>
/// Formats profile values by their unit: sizes for bytes, durations for time units (a Go CPU profile
/// counts nanoseconds: "80 ms", not "80,000,000"), plain counts otherwise.
/// </summary>
internal static class ProfileValues
{
    public static string Format(long value, string unit) => unit switch
    {
        "bytes" => Sizes.Format(value),
        _ when NanosecondsPer(unit) is long scale => Time(value, scale),
        _ => Sizes.Count(value),
    };

    /// <summary>The value with a "+" when it grew: for changes.</summary>
    public static string Signed(long value, string unit) => (value > 0 ? "+" : "") + Format(value, unit);

    /// <summary>How many nanoseconds one of the unit is, null when it is not a unit of time.</summary>
    public static long? NanosecondsPer(string unit) => unit switch
    {
        "nanoseconds" or "nanosecond" or "ns" => 1,
        "microseconds" or "microsecond" or "us" => 1_000,
        "milliseconds" or "millisecond" or "ms" => 1_000_000,
        "seconds" or "second" or "s" => 1_000_000_000,
        _ => null,
    };

    private static readonly (double Nanoseconds, string Name)[] TimeUnits =
        [(1, "ns"), (1e3, "µs"), (1e6, "ms"), (1e9, "s"), (60e9, "min"), (3600e9, "h")];

    /// <summary>"80 ms", "1.25 s", "12.5 µs": three significant digits at most, in the largest unit that keeps the number at 1 or more.</summary>
    private static string Time(long value, long nanosecondsPerUnit)
    {
        double nanoseconds = Math.Abs((double)value) * nanosecondsPerUnit;
        var (scale, name) = TimeUnits[0];
        foreach (var unit in TimeUnits)
            if (nanoseconds >= unit.Nanoseconds)
                (scale, name) = unit;
        double number = nanoseconds / scale;
        string text = number.ToString(number < 10 ? "0.##" : number < 100 ? "0.#" : "#,0", CultureInfo.InvariantCulture);
        return (value < 0 ? "-" : "") + text + " " + name;
    }
}
