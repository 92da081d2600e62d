using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HeapLens.Cli.Infrastructure;

internal enum OutputFormat { Text, Json }

internal static class OutputFormatOption
{
    public static Option<OutputFormat> Create() =>
        CommonOptions.Choice("--format", "Output format: text (human-readable sizes) or json (exact bytes).", OutputFormat.Text);

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        // Type names hold `, + and <>; JSON output is for tools, not for HTML pages.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static void WriteJson<T>(T value) =>
        Console.Out.WriteLine(JsonSerializer.Serialize(value, Json));
}
