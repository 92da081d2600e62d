using System.Globalization;

namespace HeapLens.Snapshots;

/// <summary>An object address as people type it (hex, with or without 0x): for `paths --address` and the web UI.</summary>
public static class ObjectAddress
{
    /// <exception cref="HeapLensException">Not a hexadecimal number.</exception>
    public static ulong Parse(string text)
    {
        string digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        return ulong.TryParse(digits, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong address)
            ? address
            : throw new HeapLensException($"'{text}' is not a hexadecimal address");
    }
}
