using System.Text;
using System.Text.Json;
using HeapLens.Timelines;

namespace HeapLens.Formats.GcTimeline;

/// <summary>
/// Reads a GC timeline file back, one line at a time. Anything that is not one (an empty file,
/// another format, a cut-off line) fails with a <see cref="HeapLensException"/> naming the line.
/// </summary>
public sealed class GcTimelineReader : IDisposable
{
    /// <summary>
    /// A record is about 300 bytes and the header a few hundred: a longer line is not a timeline
    /// (a sparse or binary file would otherwise be read into one string of gigabytes).
    /// </summary>
    public const int MaxLineLength = 64 * 1024;

    private readonly StreamReader _reader;
    private readonly System.Text.StringBuilder _line = new();
    private readonly string _name;
    private int _lineNumber;

    public GcTimelineHeader Header { get; }

    private GcTimelineReader(StreamReader reader, string name)
    {
        _reader = reader;
        _name = name;
        Header = ReadHeader();
    }

    public static GcTimelineReader Open(string path)
    {
        // Devices and pipes report no length: refused before the open, which would block on a FIFO.
        if (File.Exists(path) && new FileInfo(path).Length == 0)
            throw new HeapLensException($"{path} is empty (or not a regular file), not a HeapLens GC timeline");
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 64 * 1024, FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            throw new HeapLensException($"{path}: no such file");
        }
        catch (DirectoryNotFoundException)
        {
            throw new HeapLensException($"{path}: no such file");
        }
        // Invalid UTF-8 reads as U+FFFD and is refused on its line: a throwing decoder fails when the
        // reader fills its buffer, lines ahead, and would name the wrong line.
        var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: false));
        try
        {
            return new GcTimelineReader(reader, path);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>The GCs, in file order, read as they are enumerated.</summary>
    public IEnumerable<GcEvent> ReadAll()
    {
        while (ReadLine() is { } line)
        {
            if (line.Length == 0)
                continue;
            yield return ParseRecord(line);
        }
    }

    private string? ReadLine()
    {
        string? line = ReadBoundedLine();
        _lineNumber++;
        return line;
    }

    /// <summary>Like StreamReader.ReadLine (\n, \r or \r\n end a line), refusing lines over <see cref="MaxLineLength"/>.</summary>
    private string? ReadBoundedLine()
    {
        _line.Clear();
        int c;
        while ((c = _reader.Read()) >= 0)
        {
            if (c == '\n')
                return _line.ToString();
            if (c == '\r')
            {
                if (_reader.Peek() == '\n')
                    _reader.Read();
                return _line.ToString();
            }
            // Our writer escapes every non-ASCII character, so a raw U+FFFD is a byte that was not UTF-8.
            if (c == '\uFFFD')
                throw new HeapLensException($"{_name}: line {_lineNumber + 1} is not text; this is not a HeapLens GC timeline");
            if (_line.Length == MaxLineLength)
                throw new HeapLensException(
                    $"{_name}: line {_lineNumber + 1} is longer than {MaxLineLength / 1024} KB; this is not a HeapLens GC timeline");
            _line.Append((char)c);
        }
        return _line.Length > 0 ? _line.ToString() : null;
    }

    private GcTimelineHeader ReadHeader()
    {
        string? first = ReadLine();
        if (string.IsNullOrWhiteSpace(first))
            throw new HeapLensException($"{_name} is empty, not a HeapLens GC timeline");
        try
        {
            using var document = JsonDocument.Parse(first);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String
                || format.GetString() != GcTimelineFormat.FormatName)
                throw NotATimeline();
            int version = root.GetProperty("version").GetInt32();
            if (version > GcTimelineFormat.Version)
                throw new HeapLensException($"{_name} is a version {version} GC timeline; this HeapLens reads version {GcTimelineFormat.Version}");
            return new GcTimelineHeader(
                root.GetProperty("processId").GetInt32(),
                SafeText.Of(root.GetProperty("processName").GetString() ?? ""),
                root.GetProperty("startTime").GetDateTime().ToUniversalTime());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw NotATimeline();
        }
    }

    private HeapLensException NotATimeline() =>
        new($"{_name} is not a HeapLens GC timeline (its first line must be a \"{GcTimelineFormat.FormatName}\" header)");

    private GcEvent ParseRecord(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var r = document.RootElement;
            var after = new GenerationSizes(
                r.GetProperty("gen0").GetInt64(), r.GetProperty("gen1").GetInt64(), r.GetProperty("gen2").GetInt64(),
                r.GetProperty("loh").GetInt64(), r.GetProperty("poh").GetInt64());
            var gc = new GcEvent(
                r.GetProperty("gc").GetInt64(),
                r.GetProperty("t").GetDouble(),
                r.GetProperty("gen").GetInt32(),
                SafeText.Of(r.GetProperty("reason").GetString() ?? ""),
                SafeText.Of(r.GetProperty("kind").GetString() ?? ""),
                r.GetProperty("pauseMs").GetDouble(),
                r.GetProperty("before").GetInt64(),
                after,
                r.GetProperty("promoted").GetInt64(),
                r.GetProperty("fragmentation").GetInt64(),
                r.GetProperty("allocated").GetInt64(),
                r.GetProperty("allocRate").GetDouble());
            if (!IsPlausible(gc))
                throw new HeapLensException($"{_name}: line {_lineNumber} holds impossible values (negative or beyond any heap)");
            return gc;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new HeapLensException($"{_name}: line {_lineNumber} is not a complete GC record (is the file cut off?)");
        }
    }

    /// <summary>
    /// Sizes between 0 and 256 TB (no address space holds more), times and rates finite, pauses not
    /// negative: every sum the analysis makes of them then stays exact.
    /// </summary>
    private static bool IsPlausible(GcEvent gc)
    {
        static bool Size(long bytes) => bytes is >= 0 and <= Snapshots.HeapSnapshot.MaxHeapBytes;
        static bool Amount(double value) => double.IsFinite(value) && value >= 0;
        var after = gc.After;
        return Size(after.Gen0) && Size(after.Gen1) && Size(after.Gen2) && Size(after.LargeObjects) && Size(after.PinnedObjects)
               && Size(gc.HeapBefore) && Size(gc.PromotedBytes) && Size(gc.FragmentationBytes) && Size(gc.AllocatedBytes)
               && double.IsFinite(gc.Seconds) && Amount(gc.PauseMilliseconds) && double.IsFinite(gc.AllocationRate);
    }

    public void Dispose() => _reader.Dispose();
}
