using System.CommandLine;
using System.Text.Json;
using HeapLens.Reports;

namespace HeapLens.Cli.Infrastructure;

internal enum OutputFormat { Text, Json }

internal static class OutputFormatOption
{
    public static Option<OutputFormat> Create() =>
        CommonOptions.Choice("--format", "Output format: text (human-readable sizes) or json (exact bytes).", OutputFormat.Text);

    public static JsonSerializerOptions Json => ReportJson.Options;

    public static void WriteJson<T>(T value) =>
        Console.Out.WriteLine(JsonSerializer.Serialize(value, Json));
}
