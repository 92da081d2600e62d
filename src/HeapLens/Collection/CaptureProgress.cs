namespace HeapLens.Collection;

public enum CaptureStage
{
    Connecting,
    WaitingForGc,
    Streaming,
    Finishing,
    BuildingGraph,
    Retrying,
}

/// <summary>Where a heap capture is, for a progress display.</summary>
public readonly record struct CaptureProgress(CaptureStage Stage, long StreamBytes, long Objects, string? Note = null);
