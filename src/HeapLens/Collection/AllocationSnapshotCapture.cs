using HeapLens.Profiles;
using HeapLens.Snapshots;

namespace HeapLens.Collection;

/// <summary>Options of <see cref="AllocationSnapshotCapture.CaptureAsync"/>.</summary>
public sealed record AllocationSnapshotOptions
{
    /// <summary>Where the allocation trace and the heap walk's stream are kept while they are read (they have no name there).</summary>
    public string TempDirectory { get; init; } = Path.GetTempPath();

    /// <summary>The induced GC and its heap walk at the end of the window must end within this time.</summary>
    public TimeSpan WalkTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Bytes of allocation events recorded so far.</summary>
    public IProgress<long>? RecordingProgress { get; init; }

    /// <summary>The steps after the window: reading the walk, resolving stacks, joining.</summary>
    public IProgress<string>? ConversionProgress { get; init; }
}

/// <summary>A snapshot whose sampled objects carry their allocation stacks, and the window's allocation profile.</summary>
/// <param name="WindowEndedEarly">The window was ended by <c>stop</c> before its duration.</param>
public sealed record AllocationSnapshotResult(HeapSnapshot Snapshot, AllocationConversion Conversion, bool WindowEndedEarly);

/// <summary>
/// `heaplens snapshot --allocs`: records sampled allocations for a window with survivor tracking (as
/// `allocs` does for inuse), and takes the complete heap snapshot from the heap walk that ends the
/// window: one induced GC, one walk, read by the snapshot's own reader and checks. The sampled objects
/// that the walk confirms (same type at the address movement tracking followed them to) carry their
/// allocation stack in the snapshot (<see cref="HeapSnapshot.Allocations"/>). Complete or nothing: a
/// target that exits during the window, a walk that lost an event, a recording without movement give
/// a <see cref="HeapLensException"/> and no snapshot. Cancelling <c>stop</c> ends the window early; the
/// snapshot is still taken.
/// </summary>
public static class AllocationSnapshotCapture
{
    public static async Task<AllocationSnapshotResult> CaptureAsync(DotNetProcess target, TimeSpan duration, AllocationSnapshotOptions? options = null,
        CancellationToken stop = default)
    {
        options ??= new AllocationSnapshotOptions();
        if (duration <= TimeSpan.Zero)
            throw new HeapLensException("the allocation window must be positive");
        int? major = ProcessLocator.RuntimeMajorVersionOf(target.Id);
        if (major is < 10)
            throw new HeapLensException(
                $"process {target.Id} runs .NET {major}: allocation sites in a snapshot need .NET 10 or later (AllocationSampled carries the object's address)");
        using var trace = new UnnamedTemporaryFile(options.TempDirectory, $".heaplens-snapallocs-{target.Id}-{Guid.NewGuid():N}.nettrace");
        var recording = await AllocationRecorder.RecordAsync(target.Id, trace.Path, duration, major, options.RecordingProgress, stop,
            new InuseOptions(options.TempDirectory) { WalkTimeout = options.WalkTimeout }).ConfigureAwait(false);
        await using var walk = recording.Walk!;
        if (recording.TargetExited)
            throw new HeapLensException($"process {target.Id} exited during the allocation window; no snapshot written");
        if (walk.Problem is { } problem)
            throw new HeapLensException($"{problem}; no snapshot written");

        options.ConversionProgress?.Report("reading the heap walk");
        var snapshot = walk.ReadSnapshot(target);
        var conversion = AllocationTraceConverter.Convert(trace.Path, options.ConversionProgress, walk);
        if (conversion.Inuse is { Problem: { } inuseProblem })
            throw new HeapLensException($"the sampled objects could not be followed to the snapshot ({inuseProblem}); no snapshot written");
        if (conversion.Tracked is not { } tracked)
            throw new HeapLensException("the allocation window sampled nothing that could be followed to the snapshot; no snapshot written");

        options.ConversionProgress?.Report("joining allocation stacks to the snapshot");
        var window = new AllocationWindow(conversion.Profile.DurationNanos / 1e9, AllocationEstimator.SamplingPeriodBytes,
            conversion.Samples, tracked.Count, conversion.EventsLost);
        snapshot.Attach(AllocationSitesJoin.Join(conversion.Profile, tracked, walk.NodesOf(tracked), window));
        return new AllocationSnapshotResult(snapshot, conversion, stop.IsCancellationRequested);
    }
}
