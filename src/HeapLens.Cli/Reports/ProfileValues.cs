namespace HeapLens.Cli.Reports;

/// <summary>Formats profile values by their unit: sizes for bytes, plain counts otherwise.</summary>
internal static class ProfileValues
{
    public static string Format(long value, string unit) =>
        unit == "bytes" ? Sizes.Format(value) : Sizes.Count(value);

    public static double Percent(long part, long whole) => whole == 0 ? 0 : Math.Round(100.0 * part / whole, 2);
}
