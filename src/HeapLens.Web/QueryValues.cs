using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace HeapLens.Web;

/// <summary>Query parameters read strictly: a malformed one is a one-line 400, never a silent default.</summary>
internal static class QueryValues
{
    public static string? Text(HttpRequest request, string name)
    {
        string? value = request.Query[name];
        return string.IsNullOrEmpty(value) ? null : value;
    }

    public static int Int(HttpRequest request, string name, int fallback, int min, int max)
    {
        string? text = Text(request, name);
        if (text is null)
            return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
            throw new HeapLensException($"{name} must be a whole number from {min} to {max}");
        return value;
    }

    public static int? OptionalInt(HttpRequest request, string name, int min, int max) =>
        Text(request, name) is null ? null : Int(request, name, 0, min, max);

    public static double Double(HttpRequest request, string name, double fallback, double min, double max)
    {
        string? text = Text(request, name);
        if (text is null)
            return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value >= min && value <= max))
            throw new HeapLensException($"{name} must be a number from {min} to {max}");
        return value;
    }

    public static bool Bool(HttpRequest request, string name) =>
        Text(request, name) is { } text && (text == "1" || text.Equals("true", StringComparison.OrdinalIgnoreCase));

    public static T Enum<T>(HttpRequest request, string name, T fallback) where T : struct, System.Enum
    {
        string? text = Text(request, name);
        if (text is null)
            return fallback;
        if (!System.Enum.TryParse(text, ignoreCase: true, out T value) || !System.Enum.IsDefined(value))
            throw new HeapLensException($"{name} must be one of: {string.Join(", ", System.Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}");
        return value;
    }
}
