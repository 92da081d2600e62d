using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;

namespace HeapLens.Collection;

/// <summary>How a recording ended.</summary>
public sealed record AllocationRecording(string TracePath, long TraceBytes, TimeSpan Elapsed, bool TargetExited)
{
    /// <summary>The heap walk that ended an inuse window (its owner disposes it); null without inuse.</summary>
    public InducedHeapWalk? Walk { get; init; }
}

/// <summary>Survivor tracking for a recording: where the final heap walk's stream is kept while it is read.</summary>
public sealed record InuseOptions(string TempDirectory)
{
    /// <summary>The induced GC and its heap walk must end within this time.</summary>
    public TimeSpan WalkTimeout { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Records a live process's allocation events into a .nettrace file: an EventPipe session with
/// stacks and rundown whose raw bytes stream straight to disk (no parsing while recording, so no
/// events are dropped for a slow reader and the target pays only for the sampling itself).
/// </summary>
public static class AllocationRecorder
{
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";

    // Sized for bursts: ~1M samples with stacks is a few hundred MB of stream; the file writer keeps up.
    private const int CircularBufferMegabytes = 256;

    /// <summary>
    /// Records until <paramref name="duration"/> passes, <paramref name="stop"/> is cancelled, or the
    /// target exits. Cancelling is a normal end: the session is stopped (rundown included) and the file
    /// is complete. <paramref name="progress"/> receives the bytes written so far.
    /// </summary>
    public static Task<AllocationRecording> RecordAsync(int processId, string tracePath, TimeSpan duration,
        int? runtimeMajorVersion, IProgress<long>? progress, CancellationToken stop) =>
        RecordAsync(processId, tracePath, duration, runtimeMajorVersion, progress, stop, inuse: null);

    /// <summary>
    /// With <paramref name="inuse"/> (a runtime with AllocationSampled), the session also carries the
    /// GCs' movement of objects, and the window ends with an induced full GC and its heap walk, while
    /// the session still records: <see cref="AllocationTraceConverter"/> then knows which sampled
    /// objects survived. Cancelling <paramref name="stop"/> ends the window early, walk included.
    /// Cancelling <paramref name="cancel"/> abandons the recording (nobody wants the answer): the session
    /// is stopped at once, without the walk and its induced GC, and OperationCanceledException is thrown.
    /// </summary>
    public static async Task<AllocationRecording> RecordAsync(int processId, string tracePath, TimeSpan duration,
        int? runtimeMajorVersion, IProgress<long>? progress, CancellationToken stop, InuseOptions? inuse,
        CancellationToken cancel = default)
    {
        if (runtimeMajorVersion is < 10)
            inuse = null; // GCAllocationTick carries no address to follow
        var client = new DiagnosticsClient(processId);
        EventPipeSession session;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop))
        {
            // A stopped target accepts the connection and never answers: the start has a deadline.
            deadline.CancelAfter(StartDeadline);
            try
            {
                session = await client.StartEventPipeSessionAsync(
                    new EventPipeSessionConfiguration(Providers(runtimeMajorVersion, inuse is not null), CircularBufferMegabytes,
                        requestRundown: true, requestStackwalk: true),
                    deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                throw TargetState.Of(processId) switch
                {
                    TargetStatus.Stopped => new HeapLensException(
                        $"process {processId} is stopped (SIGSTOP, Ctrl+Z or a debugger) and did not answer; continue it (kill -CONT {processId}) and try again"),
                    TargetStatus.Exited => new HeapLensException($"process {processId} exited before the capture started"),
                    _ => new HeapLensException(
                        $"process {processId} did not answer the request for an event session within {StartDeadline.TotalSeconds:0} s"),
                };
            }
            catch (Exception e) when (e is ServerNotAvailableException or ServerErrorException or UnsupportedCommandException
                                          or IOException or TimeoutException)
            {
                // A target that exits while it answers closes the connection mid-reply ("read past the end of the stream").
                if (await TargetState.ExitsWithinAsync(processId, TimeSpan.FromSeconds(2)).ConfigureAwait(false))
                    throw new HeapLensException($"process {processId} exited before the capture started", e);
                throw new HeapLensException($"cannot start an event session in process {processId}: {e.Message}", e);
            }
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (session)
        {
            // Unbuffered (the copy writes 64 KB chunks): a write error (disk full) shows at the write that met it.
            await using var file = new FileStream(tracePath, FileMode.Create, FileAccess.Write, FileShare.Read, 0,
                FileOptions.Asynchronous);
            using var writeFailed = new CancellationTokenSource();
            var copy = CopyWithProgressAsync(session.EventStream, file, progress, writeFailed);

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop, cancel, writeFailed.Token);
            timeout.CancelAfter(duration);
            bool targetExited = false;
            InducedHeapWalk? walk = null;
            var finished = await Task.WhenAny(copy, Task.Delay(Timeout.Infinite, timeout.Token)).ConfigureAwait(false);
            if (finished == copy)
                targetExited = true; // the stream ended by itself: the process went away
            else
            {
                // The window ends with the induced GC, while this session still records its movement.
                if (inuse is not null && !writeFailed.IsCancellationRequested && !cancel.IsCancellationRequested)
                    walk = await InducedHeapWalk.RunAsync(processId, inuse.TempDirectory, inuse.WalkTimeout).ConfigureAwait(false);
                await StopSessionAsync(session).ConfigureAwait(false);
            }
            if (inuse is not null && walk is null)
                walk = InducedHeapWalk.Unavailable(targetExited
                    ? "the process exited during the window, before the heap walk that ends it"
                    : "the recording failed before the heap walk");
            var failure = await copy.ConfigureAwait(false);
            if (failure is not null || cancel.IsCancellationRequested)
            {
                if (walk is not null)
                    await walk.DisposeAsync().ConfigureAwait(false);
                cancel.ThrowIfCancellationRequested();
                throw new HeapLensException($"could not record the allocation trace: {failure!.Message}; the capture was stopped", failure);
            }
            await file.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            return new AllocationRecording(tracePath, file.Length, clock.Elapsed, targetExited) { Walk = walk };
        }
    }

    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(15);

    // Rundown names every jitted method at the stop; a large application takes a few seconds.
    private static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(60);

    /// <summary>
    /// AllocationSampled on .NET 10 and later, GCAllocationTick before. When the version is unknown,
    /// both: a runtime with AllocationSampled does not fire AllocationTick in the same session, and
    /// an older one ignores the keyword it does not know.
    /// </summary>
    internal static EventPipeProvider[] Providers(int? runtimeMajorVersion, bool trackSurvivors = false)
    {
        long keywords = AllocationKeywords.Symbols;
        // GC start and end delimit each GC's movement; the ranges come with GCHeapSurvivalAndMovement.
        if (trackSurvivors)
            keywords |= AllocationKeywords.Gc | AllocationKeywords.GcHeapSurvivalAndMovement;
        if (runtimeMajorVersion is null or >= 10)
            keywords |= AllocationKeywords.AllocationSampling;
        if (runtimeMajorVersion is null or < 10)
            keywords |= AllocationKeywords.Gc;
        // The GC events that survivor tracking does not read are filtered out in the runtime, where the filter
        // is known (.NET 10); with the version unknown the GC keyword may also carry AllocationTick: no filter.
        var filter = trackSurvivors && runtimeMajorVersion >= 10
            ? new EventPipeProviderEventFilter(enable: false, GcEventsSurvivorTrackingSkips.Ids)
            : null;
        // Verbose: AllocationTick and the method load events that carry names are verbose-level.
        return [new EventPipeProvider(RuntimeProvider, EventLevel.Verbose, keywords, arguments: null, filter)];
    }

    /// <summary>
    /// Stops the session (rundown included); a target that does not acknowledge in time (stopped,
    /// hung) has its session closed instead, which ends the stream with what has arrived.
    /// </summary>
    private static async Task StopSessionAsync(EventPipeSession session)
    {
        try
        {
            using var deadline = new CancellationTokenSource(StopDeadline);
            await session.StopAsync(deadline.Token).WaitAsync(StopDeadline).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            session.Dispose();
        }
        catch (Exception e) when (e is ServerNotAvailableException or ServerErrorException or IOException or EndOfStreamException
                                      or ObjectDisposedException)
        {
            // The target exited just as we stopped: the stream ends on its own.
        }
    }

    /// <summary>
    /// Copies the session to the file. A write error (disk full) cancels <paramref name="writeFailed"/>
    /// so the session is stopped at once, then the rest of the stream is drained unwritten until it
    /// ends (a session nobody reads would fill the runtime's buffer in the target); it is returned.
    /// </summary>
    private static async Task<IOException?> CopyWithProgressAsync(Stream source, Stream destination, IProgress<long>? progress,
        CancellationTokenSource writeFailed)
    {
        var buffer = new byte[1 << 16];
        long total = 0;
        IOException? failure = null;
        while (true)
        {
            int read;
            try
            {
                read = await source.ReadAsync(buffer).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                break; // the connection broke (the target died, or a stop that timed out closed it): keep what arrived
            }
            if (read == 0)
                break;
            if (failure is not null)
                continue;
            try
            {
                await destination.WriteAsync(buffer.AsMemory(0, read)).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                failure = e;
                await writeFailed.CancelAsync().ConfigureAwait(false);
                continue;
            }
            total += read;
            progress?.Report(total);
        }
        return failure;
    }
}
