namespace HeapLens.Collection;

public sealed record HeapCaptureOptions
{
    /// <summary>The whole capture (GC, walk, stream) must end within this time.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Where the raw session stream is kept while it is parsed (it can take about 43 bytes per object).</summary>
    public string TempDirectory { get; init; } = Path.GetTempPath();

    /// <summary>The runtime's session buffer in MB; null sizes it from the target's memory.</summary>
    public int? BufferMegabytes { get; init; }

    /// <summary>Keep the raw session stream (.nettrace) at this path, to read again or to report a bug; null: it is deleted.</summary>
    public string? KeepStreamPath { get; init; }

    /// <summary>
    /// Ask for the walk from the recording session itself, as before <see cref="WalkTrigger"/>: nothing streams while
    /// the target is paused. For measuring the two ways against each other (the target's pause, the capture's time).
    /// </summary>
    public bool StreamAfterPause { get; init; }

    /// <summary>The reader of the stream: the fast one (TraceEvent for streams it does not know), or TraceEvent alone.</summary>
    public Nettrace.HeapWalkReader Reader { get; init; } = Nettrace.HeapWalkReader.Fast;
}
