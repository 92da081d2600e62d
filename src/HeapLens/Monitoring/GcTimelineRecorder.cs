using HeapLens.Timelines;
using HeapLens.Formats.GcTimeline;

namespace HeapLens.Monitoring;

/// <summary>
/// The live GC timeline file of a monitor run. Lines go to "NAME.partial" as GCs arrive (flushed
/// each time, so the file is the memory, not the process); <see cref="Complete"/> renames it to
/// its final name, so a finished name always means a finished file.
/// </summary>
public sealed class GcTimelineRecorder : IDisposable
{
    private readonly object _gate = new();
    private readonly GcTimelineWriter _writer;
    private readonly string _partialPath;
    private bool _completed;

    public string Path { get; }

    private GcTimelineRecorder(string path, string partialPath, GcTimelineWriter writer)
    {
        Path = path;
        _partialPath = partialPath;
        _writer = writer;
    }

    public static GcTimelineRecorder Create(string path, GcTimelineHeader header)
    {
        string partial = path + ".partial";
        var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.Read, 16 * 1024);
        return new GcTimelineRecorder(path, partial, new GcTimelineWriter(stream, header));
    }

    public void Record(GcEvent gc)
    {
        lock (_gate)
        {
            _writer.Write(gc);
            _writer.Flush();
        }
    }

    /// <summary>Copies the timeline so far to <paramref name="destination"/> (via a temporary file).</summary>
    public void CopyTo(string destination)
    {
        string temporary = destination + ".tmp";
        lock (_gate)
        {
            _writer.Flush();
            File.Copy(_partialPath, temporary, overwrite: true);
        }
        File.Move(temporary, destination, overwrite: true);
    }

    /// <summary>Closes the file and gives it its final name.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            if (_completed)
                return;
            _completed = true;
            _writer.Dispose();
            File.Move(_partialPath, Path, overwrite: true);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (!_completed)
                _writer.Dispose();
        }
    }
}
