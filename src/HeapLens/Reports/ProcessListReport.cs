using System.Text.Json;
using System.Text.Json.Serialization;
using HeapLens.Collection;

namespace HeapLens.Reports;

/// <summary>One .NET process with a live diagnostics port.</summary>
public sealed record ProcessRow(int Pid, string Name, string CommandLine);

/// <summary>
/// `ps`: the .NET processes HeapLens can attach to. Its JSON is the bare array of processes, as it
/// always was, so that `jq '.[]'` keeps working.
/// </summary>
[JsonConverter(typeof(ProcessListJson))]
public sealed record ProcessListReport(IReadOnlyList<ProcessRow> Processes)
{
    public static ProcessListReport Create(IEnumerable<DotNetProcess> processes) =>
        new(processes.Select(p => new ProcessRow(p.Id, p.Name, p.CommandLine)).ToList());

    private sealed class ProcessListJson : JsonConverter<ProcessListReport>
    {
        public override ProcessListReport Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            new(JsonSerializer.Deserialize<List<ProcessRow>>(ref reader, options) ?? []);

        public override void Write(Utf8JsonWriter writer, ProcessListReport value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.Processes, options);
    }
}
