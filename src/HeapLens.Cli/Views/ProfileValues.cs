
namespace HeapLens.Cli.Views;

/// <summary>Formats profile values by their unit: sizes for bytes, plain counts otherwise.</summary>
internal static class ProfileValues
{
    public static string Format(long value, string unit) =>
        unit == "bytes" ? Sizes.Format(value) : Sizes.Count(value);
}
