using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HeapLens.Reports;

/// <summary>
/// The one JSON form of every report model: what `--format json` prints, and what the web UI and the
/// HTTP endpoints serve. A model's public properties are its JSON (camelCase, exact bytes, nulls left out).
/// </summary>
public static class ReportJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        // Nested models (the dominator tree, DominatorsReport.MaxDepth rows deep) go past the default 64.
        MaxDepth = 256,
        // Type names hold `, + and <>; escaping them would make the JSON unreadable for tools and people.
        // Pages that embed this JSON must escape it for HTML themselves.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static string Serialize<T>(T report) => JsonSerializer.Serialize(report, Options);

    public static void Write<T>(T report, Stream output) => JsonSerializer.Serialize(output, report, Options);
}
