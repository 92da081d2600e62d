namespace HeapLens.Snapshots;

/// <summary>Where and when a snapshot was taken, and what the capture saw. Serialized as JSON in the file.</summary>
public sealed record SnapshotMetadata
{
    public int ProcessId { get; init; }
    public string ProcessName { get; init; } = "";
    public string CommandLine { get; init; } = "";
    public string RuntimeVersion { get; init; } = "";
    public DateTimeOffset CaptureTime { get; init; }
    /// <summary>How long the target's threads were suspended for the induced GC and heap walk.</summary>
    public double GcPauseMilliseconds { get; init; }
    /// <summary>Number of the induced gen2 GC that walked the heap.</summary>
    public int GcNumber { get; init; }
    /// <summary>Bytes of EventPipe stream the heap walk produced.</summary>
    public long StreamBytes { get; init; }
    /// <summary>References whose target was not a walked object (e.g. frozen string literals); not edges of the graph.</summary>
    public long UnresolvedReferences { get; init; }
    public string HeapLensVersion { get; init; } = typeof(SnapshotMetadata).Assembly.GetName().Version?.ToString() ?? "";
}
