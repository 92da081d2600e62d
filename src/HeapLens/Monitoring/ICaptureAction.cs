namespace HeapLens.Monitoring;

/// <summary>
/// Evidence the monitor collects when a trigger fires: a heap snapshot, an allocation profile,
/// the GC timeline. Each kind of capture is one implementation, so the monitor does not care which.
/// </summary>
public interface ICaptureAction
{
    /// <summary>Short name for logs and file names ("timeline", "snapshot", "allocs").</summary>
    string Kind { get; }

    /// <summary>
    /// Captures from the process into a file named <paramref name="outputPathWithoutExtension"/> plus
    /// the action's own extension, and returns the full path written. Failures the user can act on
    /// throw <see cref="HeapLensException"/>.
    /// </summary>
    Task<string> CaptureAsync(int processId, string outputPathWithoutExtension, CancellationToken cancellationToken);
}
