using System.Globalization;

namespace HeapLens.Cli.Views;

/// <summary>Human-readable sizes for text reports (JSON reports give exact bytes).</summary>
internal static class Sizes
{
    private static readonly string[] Units = ["B", "KB", "MB", "GB", "TB"];

    public static string Format(long bytes)
    {
        double value = Math.Abs((double)bytes);
        int unit = 0;
        while (value >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        string sign = bytes < 0 ? "-" : "";
        string number = unit == 0 ? value.ToString("0", CultureInfo.InvariantCulture)
            : value.ToString(value < 10 ? "0.00" : value < 100 ? "0.0" : "0", CultureInfo.InvariantCulture);
        return $"{sign}{number} {Units[unit]}";
    }

    public static string Percent(long part, long whole) =>
        whole == 0 ? "0.0%" : (100.0 * part / whole).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    public static string Count(long count) => count.ToString("N0", CultureInfo.InvariantCulture);
}
