using System.Diagnostics;
using System.Diagnostics.Tracing;
using HeapLens.Snapshots;
using Microsoft.Diagnostics.NETCore.Client;
using HeapLens.Collection.Nettrace;

namespace HeapLens.Collection;

/// <summary>
/// Takes a live heap snapshot of a .NET process over EventPipe, the way dotnet-gcdump does, but
/// complete or not at all: the session is recorded to a file at full speed and parsed behind it, and
/// a walk that lost an event or an edge is retried once with a larger buffer, then refused.
/// </summary>
public static class HeapSnapshotCollector
{
    // GC | Type | GCHeapDump | GCHeapAndTypeNames: what the recording session receives. The GC that walks the
    // heap is asked for by a second session (see WalkTrigger), so that this one already streams while it runs.
    private const long HeapWalkKeywords = 0x1180001;
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";
    private const int MinimumBufferMegabytes = 256;

    public static async Task<HeapSnapshot> CaptureAsync(
        DotNetProcess target,
        HeapCaptureOptions options,
        IProgress<CaptureProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (options.Timeout <= TimeSpan.Zero)
            throw new HeapLensException("the capture timeout must be positive");
        using var exclusive = HeapWalkLock.Acquire(target.Id);
        int bufferMegabytes = options.BufferMegabytes ?? BufferFor(target.Id);
        var first = await TryCaptureAsync(target, options, bufferMegabytes, progress, cancellationToken).ConfigureAwait(false);
        if (first.Snapshot is not null)
            return first.Snapshot;

        progress?.Report(new CaptureProgress(CaptureStage.Retrying, 0, 0, first.Problem));
        var second = await TryCaptureAsync(target, options, checked(bufferMegabytes * 2), progress, cancellationToken).ConfigureAwait(false);
        return second.Snapshot ?? throw new HeapLensException(
            $"the heap walk of process {target.Id} was incomplete twice ({second.Problem}); no snapshot written");
    }

    /// <summary>A buffer above the largest stream the heap can produce, bounded by this machine's memory.</summary>
    internal static int BufferFor(int pid)
    {
        long workingSet;
        try
        {
            using var process = Process.GetProcessById(pid);
            workingSet = process.WorkingSet64;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new HeapLensException($"process {pid} is not running");
        }
        // The stream costs ~43 bytes per object; the smallest objects are 24 bytes, so the stream is
        // below twice the heap, which is below the working set. The runtime only commits what it uses.
        long wanted = (2 * workingSet >> 20) + MinimumBufferMegabytes;
        long cap = Math.Max(MinimumBufferMegabytes, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2 >> 20);
        return (int)Math.Clamp(wanted, MinimumBufferMegabytes, Math.Min(cap, int.MaxValue));
    }

    private sealed record Attempt(HeapSnapshot? Snapshot, string? Problem);

    private static async Task<Attempt> TryCaptureAsync(
        DotNetProcess target,
        HeapCaptureOptions options,
        int bufferMegabytes,
        IProgress<CaptureProgress>? progress,
        CancellationToken cancellationToken)
    {
        progress?.Report(new CaptureProgress(CaptureStage.Connecting, 0, 0));
        var client = new DiagnosticsClient(target.Id);
        long keywords = options.StreamDuringPause ? HeapWalkKeywords : HeapWalkKeywords | WalkTrigger.Keywords;
        EventPipeSession session = await StartSessionAsync(client, target, keywords, bufferMegabytes, options.Timeout, cancellationToken)
            .ConfigureAwait(false);
        WalkTrigger? trigger = null;
        HeapWalkRead? read = null;
        HeapWalkParser? parser = null;
        try
        {
            await using var recording = new SessionRecording(session.EventStream, options.TempDirectory,
                $".heaplens-{target.Id}-{Guid.NewGuid():N}.nettrace", options.KeepStreamPath);
            using var walkDone = new ManualResetEventSlim();
            var walkEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Action? stopParsing = null;
            Task? parse = null;
            Task? stopping = null;
            try
            {
                parse = Task.Factory.StartNew(() =>
                {
                    // A stream cut off by a dying target ends mid-block: the walk read so far is
                    // reported as incomplete below, not refused here.
                    read = HeapWalkReading.Read(recording.OpenFollower, options.Reader,
                        onParser: p =>
                        {
                            parser = p;
                            p.WalkCompleted += walkDone.Set;
                            p.PauseMeasured += () => walkEnded.TrySetResult();
                        },
                        onStopper: stop => stopParsing = stop,
                        refuseTruncated: false);
                }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

                progress?.Report(new CaptureProgress(CaptureStage.WaitingForGc, 0, 0));
                trigger = options.StreamDuringPause ? WalkTrigger.Start(abandon => StartTriggerAsync(client, target, options.Timeout, abandon)) : null;
                await WaitForWalkAsync(recording, walkDone, walkEnded.Task, parse, trigger?.Started ?? Task.CompletedTask, parser: () => parser, options.Timeout,
                    progress, cancellationToken).ConfigureAwait(false);
                // A live target that refused the trigger says why; the walk never began.
                if (trigger is not null && trigger.Started.IsFaulted && !walkDone.IsSet)
                    await trigger.Started.ConfigureAwait(false);
                bool streamEndedBeforeStop = recording.Completion.IsCompleted;
                progress?.Report(new CaptureProgress(CaptureStage.Finishing, recording.BytesWritten, parser?.Builder.NodeCount ?? 0));
                if (walkEnded.Task.IsCompleted && stopParsing is { } stop)
                {
                    // The walk's last event is in: the reader has taken every event of the walk (it takes the GC's end
                    // only once no earlier walk event can still come, and the restart after it), so what the stream
                    // still holds is not the walk's. The runtime's stop waits for its streaming thread, which sleeps
                    // 100 ms between flushes: the stream's end is awaited after the build, not before it.
                    stop();
                    recording.StopFollowers();
                    stopping = StopAsync(session);
                }
                else
                {
                    stopping = StopAsync(session);
                    await stopping.ConfigureAwait(false);
                    await recording.Completion.ConfigureAwait(false);
                }
                await parse.ConfigureAwait(false);
                progress?.Report(new CaptureProgress(CaptureStage.StreamRead, recording.BytesWritten, read?.Parser.Builder.NodeCount ?? 0));
                _ = recording.CloseInBackground(); // read: its file is not needed any more, and its disposal awaits the close
                parser = read?.Parser;
                var builder = parser?.Builder;

                if (recording.Failure is { } failure)
                    throw new HeapLensException($"could not record the heap walk to {options.TempDirectory}: {failure.Message}; the capture was stopped");
                cancellationToken.ThrowIfCancellationRequested();
                if (parser is not null && !parser.WalkComplete && !streamEndedBeforeStop && read?.StreamProblem is { } unreadable
                    && ProcessLocator.IsAlive(target.Id))
                    throw new HeapLensException($"the heap walk of process {target.Id} could not be read ({unreadable}); no snapshot written");
                if (parser is null || builder is null || !parser.WalkComplete)
                    throw WhyTheWalkDidNotFinish(target, options.Timeout, streamEndedBeforeStop, parser?.ForeignWalkEvents ?? 0);

                string? problem = HeapWalkSnapshot.Problem(read!, target.Id);
                if (problem is not null)
                    return new Attempt(null, problem);

                progress?.Report(new CaptureProgress(CaptureStage.BuildingGraph, recording.BytesWritten, builder.NodeCount));
                var built = HeapWalkSnapshot.Build(parser, target, recording.BytesWritten, progress: progress);
                return new Attempt(built.Snapshot, built.Problem);
            }
            finally
            {
                // Whatever happened, the session must end, or the recording would wait for it forever;
                // and the parser must be done before the builder's memory is freed. After a failure
                // or Ctrl+C, the rest of the stream is not worth parsing.
                if (parse is not null && !parse.IsCompleted)
                    stopParsing?.Invoke();
                if (trigger is not null)
                    await trigger.DisposeAsync().ConfigureAwait(false);
                await (stopping ?? StopAsync(session)).ConfigureAwait(false);
                if (parse is not null)
                {
                    await recording.Completion.ConfigureAwait(false);
                    await parse.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }
        }
        finally
        {
            session.Dispose();
            (read?.Parser ?? parser)?.Builder.Dispose();
        }
    }

    /// <summary>
    /// Starts the session within the deadline: a stopped target accepts the connection on its
    /// diagnostics socket and then never answers.
    /// </summary>
    private static async Task<EventPipeSession> StartSessionAsync(DiagnosticsClient client, DotNetProcess target, long keywords,
        int bufferMegabytes, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var providers = new[] { new EventPipeProvider(RuntimeProvider, EventLevel.Verbose, keywords) };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            // No rundown and no stacks: the walk needs neither, and stacks would multiply the stream.
            return await client.StartEventPipeSessionAsync(new EventPipeSessionConfiguration(
                providers, bufferMegabytes, requestRundown: false, requestStackwalk: false), deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw TargetState.Of(target.Id) switch
            {
                TargetStatus.Stopped => Stopped(target.Id, "did not answer"),
                TargetStatus.Exited => new HeapLensException($"process {target.Id} exited before the capture started"),
                _ => new HeapLensException($"process {target.Id} did not answer the request for a diagnostics session within {Seconds(timeout)} (use --timeout)"),
            };
        }
        catch (Exception e) when (e is ServerNotAvailableException or ServerErrorException or UnsupportedCommandException
                                      or IOException or TimeoutException or UnauthorizedAccessException)
        {
            throw ProcessLocator.IsAlive(target.Id)
                ? new HeapLensException($"could not start a diagnostics session in process {target.Id} ({target.Name}): {e.Message}")
                : new HeapLensException($"process {target.Id} exited before the capture started");
        }
    }

    /// <summary>
    /// Starts the session whose request makes the runtime run the walking GC; its request returns when the GC is
    /// over. Null when the target died or did not answer in time: the recording's end and the walk's checks then
    /// say what happened, in the words of a walk that did not finish.
    /// </summary>
    private static async Task<EventPipeSession?> StartTriggerAsync(DiagnosticsClient client, DotNetProcess target, TimeSpan timeout,
        CancellationToken abandon)
    {
        var providers = new[] { new EventPipeProvider(RuntimeProvider, EventLevel.Verbose, WalkTrigger.Keywords) };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(abandon);
        deadline.CancelAfter(timeout);
        try
        {
            return await client.StartEventPipeSessionAsync(new EventPipeSessionConfiguration(
                providers, WalkTrigger.BufferMegabytes, requestRundown: false, requestStackwalk: false), deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!abandon.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e) when (e is ServerNotAvailableException or ServerErrorException or UnsupportedCommandException
                                      or IOException or TimeoutException or UnauthorizedAccessException)
        {
            if (!ProcessLocator.IsAlive(target.Id))
                return null;
            throw new HeapLensException($"process {target.Id} ({target.Name}) refused the request for its heap walk: {e.Message}");
        }
    }

    private static HeapLensException Stopped(int pid, string what) =>
        new($"process {pid} is stopped (SIGSTOP, Ctrl+Z or a debugger) and {what}; continue it (kill -CONT {pid}) and try again");

    private static string Seconds(TimeSpan time) => $"{time.TotalSeconds:0.###} s";

    /// <summary>The walk did not end: say why, as far as the kernel and the stream can tell.</summary>
    private static HeapLensException WhyTheWalkDidNotFinish(DotNetProcess target, TimeSpan timeout, bool streamEndedBeforeStop,
        long foreignWalkEvents)
    {
        var status = TargetState.Of(target.Id);
        // A killed target closes its end of the session before the kernel has finished tearing it down.
        for (int i = 0; i < 40 && streamEndedBeforeStop && status == TargetStatus.Running; i++)
        {
            Thread.Sleep(50);
            status = TargetState.Of(target.Id);
        }
        if (status == TargetStatus.Exited)
            return new HeapLensException($"process {target.Id} exited during the capture; no snapshot written");
        if (status == TargetStatus.Stopped)
            return Stopped(target.Id, "did not finish the heap walk");
        if (streamEndedBeforeStop)
            return new HeapLensException($"process {target.Id} ended the diagnostics session before the heap walk finished; no snapshot written");
        string others = foreignWalkEvents > 0 ? "; another tool (e.g. dotnet-gcdump) was walking its heap at the same time" : "";
        return new HeapLensException($"process {target.Id} did not finish the heap walk within {Seconds(timeout)} (use --timeout){others}");
    }

    private static async Task WaitForWalkAsync(
        SessionRecording recording,
        ManualResetEventSlim walkDone,
        Task walkEnded,
        Task parse,
        Task triggered,
        Func<HeapWalkParser?> parser,
        TimeSpan timeout,
        IProgress<CaptureProgress>? progress,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var quiet = Stopwatch.StartNew();
        long lastBytes = -1;
        long lastObjects = -1;
        // A reader that gave up (an unreadable stream) ends the wait too: nothing more will be parsed.
        while (!walkDone.IsSet && !parse.IsCompleted && !recording.Completion.IsCompleted && !recording.Failed.IsCompleted && !triggered.IsFaulted
               && clock.Elapsed < timeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Woken at once by the walk's last event (the runtime's restart after the GC), so that the session stops
            // as soon as the walk is in; otherwise every 100 ms, to report progress and notice every other end.
            await Task.WhenAny(walkEnded, Task.Delay(100, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            long bytes = recording.BytesWritten;
            long objects = parser()?.Builder.NodeCount ?? 0;
            var stage = parser()?.GcNumber >= 0 ? CaptureStage.Streaming : CaptureStage.WaitingForGc;
            progress?.Report(new CaptureProgress(stage, bytes, objects));
            if (bytes != lastBytes || objects != lastObjects)
            {
                (lastBytes, lastObjects) = (bytes, objects);
                quiet.Restart();
            }
            // Walk events were read, then the stream went quiet, yet the GC's end has not been taken: the end came
            // first in the stream (server GC: another thread fired it) and the reader holds it until it knows that
            // no earlier walk event is still to come, which an idle target may never tell it. Once the trigger's
            // request has returned, the walk itself is over (the runtime answers it after the walking GC), so
            // stopping the session is safe: the runtime writes out what it still holds, and the stream's end
            // releases the rest.
            if (objects > 0 && quiet.Elapsed >= QuietStreamAfterWalk && triggered.IsCompleted)
                return;
        }
    }

    private static readonly TimeSpan QuietStreamAfterWalk = TimeSpan.FromMilliseconds(500);

    // Stopping a healthy session is quick (the runtime acknowledges, then flushes the stream).
    private static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Stops the session; a target that does not acknowledge in time (stopped, hung) has its session
    /// stream closed instead, which ends the recording: nothing waits on the target without a deadline.
    /// </summary>
    internal static async Task StopAsync(EventPipeSession session)
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
        catch (Exception e) when (e is ServerNotAvailableException or ServerErrorException or IOException or InvalidOperationException
                                      or ObjectDisposedException or EndOfStreamException)
        {
            // The target is gone or the session already ended; the stream's end tells the rest.
        }
    }
}
