using System.Buffers;
using System.Text.Json;
using HeapLens.Timelines;

namespace HeapLens.Formats.GcTimeline;

/// <summary>Writes a GC timeline (see <see cref="GcTimelineFormat"/>) to a stream, one line per GC.</summary>
public sealed class GcTimelineWriter : IDisposable
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();
    private readonly Stream _stream;
    private readonly ArrayBufferWriter<byte> _line = new(512);
    private readonly Utf8JsonWriter _json;

    public GcTimelineWriter(Stream stream, GcTimelineHeader header)
    {
        _stream = stream;
        _json = new Utf8JsonWriter(_line);
        WriteHeader(header);
    }

    private void WriteHeader(GcTimelineHeader header)
    {
        _json.WriteStartObject();
        _json.WriteString("format", GcTimelineFormat.FormatName);
        _json.WriteNumber("version", GcTimelineFormat.Version);
        _json.WriteNumber("processId", header.ProcessId);
        _json.WriteString("processName", header.ProcessName);
        _json.WriteString("startTime", DateTime.SpecifyKind(header.StartTimeUtc, DateTimeKind.Utc));
        _json.WriteEndObject();
        EndLine();
    }

    public void Write(GcEvent gc)
    {
        _json.WriteStartObject();
        _json.WriteNumber("gc", gc.Number);
        _json.WriteNumber("t", Math.Round(gc.Seconds, 4));
        _json.WriteNumber("gen", gc.Generation);
        _json.WriteString("reason", gc.Reason);
        _json.WriteString("kind", gc.Kind);
        _json.WriteNumber("pauseMs", Math.Round(gc.PauseMilliseconds, 3));
        _json.WriteNumber("before", gc.HeapBefore);
        _json.WriteNumber("after", gc.HeapAfter);
        _json.WriteNumber("gen0", gc.After.Gen0);
        _json.WriteNumber("gen1", gc.After.Gen1);
        _json.WriteNumber("gen2", gc.After.Gen2);
        _json.WriteNumber("loh", gc.After.LargeObjects);
        _json.WriteNumber("poh", gc.After.PinnedObjects);
        _json.WriteNumber("promoted", gc.PromotedBytes);
        _json.WriteNumber("fragmentation", gc.FragmentationBytes);
        _json.WriteNumber("allocated", gc.AllocatedBytes);
        _json.WriteNumber("allocRate", Math.Round(gc.AllocationRate, 1));
        _json.WriteEndObject();
        EndLine();
    }

    public void Flush() => _stream.Flush();

    private void EndLine()
    {
        _json.Flush();
        _stream.Write(_line.WrittenSpan);
        _stream.Write(NewLine);
        _line.ResetWrittenCount();
        _json.Reset(_line);
    }

    public void Dispose()
    {
        _json.Dispose();
        _stream.Dispose();
    }
}
