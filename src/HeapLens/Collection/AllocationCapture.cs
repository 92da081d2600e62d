namespace HeapLens.Collection;

/// <summary>Options of <see cref="AllocationCapture.CaptureAsync"/>.</summary>
public sealed record AllocationCaptureOptions
{
    /// <summary>Also inuse_objects and inuse_space: survivors followed through the GCs, confirmed by an induced full GC at the end.</summary>
    public bool Inuse { get; init; } = true;

    /// <summary>Where the raw trace and the final heap walk's stream are kept while they are read (they have no name there).</summary>
    public string TempDirectory { get; init; } = Path.GetTempPath();

    /// <summary>Bytes of events recorded so far.</summary>
    public IProgress<long>? RecordingProgress { get; init; }

    /// <summary>The steps of turning the trace into a profile.</summary>
    public IProgress<string>? ConversionProgress { get; init; }
}

/// <summary>A capture's profile and how its window ended.</summary>
public sealed record AllocationCaptureResult(AllocationConversion Conversion, bool TargetExited);

/// <summary>
/// One call from a live process to an allocation profile (Go's heap profile with inuse): records for a
/// duration or until <c>stop</c> is cancelled (a normal end: the profile covers the window so far),
/// ends the window with the induced full GC, resolves stacks and lines. For the CLI, the HTTP
/// endpoints and anyone embedding HeapLens. Cancelling <c>cancel</c> instead abandons the capture: the
/// session ends at once, without the induced GC, and OperationCanceledException is thrown.
/// </summary>
public static class AllocationCapture
{
    public static async Task<AllocationCaptureResult> CaptureAsync(int processId, TimeSpan duration, AllocationCaptureOptions? options = null,
        CancellationToken stop = default, CancellationToken cancel = default)
    {
        options ??= new AllocationCaptureOptions();
        if (duration <= TimeSpan.Zero)
            throw new HeapLensException("the capture duration must be positive");
        using var trace = new UnnamedTemporaryFile(options.TempDirectory, $".heaplens-allocs-{processId}-{Guid.NewGuid():N}.nettrace");
        int? major = ProcessLocator.RuntimeMajorVersionOf(processId);
        var recording = await AllocationRecorder.RecordAsync(processId, trace.Path, duration, major, options.RecordingProgress, stop,
            options.Inuse ? new InuseOptions(options.TempDirectory) : null, cancel).ConfigureAwait(false);
        await using (recording.Walk)
        {
            var conversion = AllocationTraceConverter.Convert(trace.Path, options.ConversionProgress, recording.Walk);
            return new AllocationCaptureResult(conversion, recording.TargetExited);
        }
    }
}
