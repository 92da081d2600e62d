namespace HeapLens.Collection;

public enum CaptureStage
{
    Connecting,
    WaitingForGc,
    Streaming,
    Finishing,
    /// <summary>The session's stream has ended (the session stopped) and the reader has read all of it.</summary>
    StreamRead,
    BuildingGraph,
    /// <summary>The graph's references are resolved and static fields and nested types named (ClrMD, meanwhile).</summary>
    NamesResolved,
    /// <summary>The snapshot is built: only writing it is left.</summary>
    Built,
    Retrying,
}

/// <summary>Where a heap capture is, for a progress display.</summary>
public readonly record struct CaptureProgress(CaptureStage Stage, long StreamBytes, long Objects, string? Note = null);
