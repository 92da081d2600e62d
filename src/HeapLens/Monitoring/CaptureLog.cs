using System.Text.Json;

namespace HeapLens.Monitoring;

/// <summary>
/// The monitor's record of fired triggers: one JSON line per capture, appended and flushed as it
/// happens, so the log tells what happened even when the monitor itself is killed.
/// <code>{"time":"2026-11-25T13:01:05Z","t":35.0,"trigger":"leak-trend","detail":"...","kind":"timeline","path":"...","error":null}</code>
/// </summary>
public sealed class CaptureLog(string path)
{
    public string Path { get; } = path;

    public void Append(CaptureRecord record)
    {
        using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("time", record.TimeUtc);
            json.WriteNumber("t", Math.Round(record.Seconds, 3));
            json.WriteString("trigger", record.Trigger);
            json.WriteString("detail", record.Detail);
            json.WriteString("kind", record.Kind);
            json.WriteString("path", record.Path);
            json.WriteString("error", record.Error);
            json.WriteEndObject();
        }
        stream.Write("\n"u8);
    }
}
