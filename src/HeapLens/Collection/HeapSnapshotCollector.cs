using System.Diagnostics;
using System.Diagnostics.Tracing;
using HeapLens.Snapshots;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace HeapLens.Collection;

/// <summary>
/// Takes a live heap snapshot of a .NET process over EventPipe, the way dotnet-gcdump does, but
/// complete or not at all: the session is recorded to a file at full speed and parsed behind it, and
/// a walk that lost an event or an edge is retried once with a larger buffer, then refused.
/// </summary>
public static class HeapSnapshotCollector
{
    // GC | Type | GCHeapDump | GCHeapCollect | GCHeapAndTypeNames; enabling it makes the runtime run
    // one induced, blocking gen2 GC that walks and streams the heap.
    private const long HeapWalkKeywords = 0x1980001;
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";
    private const int MinimumBufferMegabytes = 256;

    public static async Task<HeapSnapshot> CaptureAsync(
        DotNetProcess target,
        HeapCaptureOptions options,
        IProgress<CaptureProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
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
    private static int BufferFor(int pid)
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
        string tracePath = Path.Combine(options.TempDirectory, $".heaplens-{target.Id}-{Guid.NewGuid():N}.nettrace");
        EventPipeSession session = StartSession(client, target, bufferMegabytes);
        using var builder = new HeapGraphBuilder();
        HeapWalkParser? parser = null;
        int eventsLost = 0;
        bool parsedToEnd = false;
        try
        {
            await using var recording = new SessionRecording(session.EventStream, tracePath);
            using var walkDone = new ManualResetEventSlim();
            EventPipeEventSource? parsing = null;
            Task? parse = null;
            try
            {
                parse = Task.Factory.StartNew(() =>
                {
                    using var follower = recording.OpenFollower();
                    using var source = new EventPipeEventSource(follower);
                    parsing = source;
                    parser = new HeapWalkParser(source, builder);
                    parser.WalkCompleted += walkDone.Set;
                    try
                    {
                        source.Process();
                        parsedToEnd = true;
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        // A stream cut off by a dying target ends mid-block; what was parsed is
                        // reported as incomplete below.
                    }
                    eventsLost = source.EventsLost;
                }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

                progress?.Report(new CaptureProgress(CaptureStage.WaitingForGc, 0, 0));
                await WaitForWalkAsync(recording, walkDone, builder, parser: () => parser, options.Timeout, progress, cancellationToken)
                    .ConfigureAwait(false);
                progress?.Report(new CaptureProgress(CaptureStage.Finishing, recording.BytesWritten, builder.NodeCount));
                await StopAsync(session).ConfigureAwait(false);
                await recording.Completion.ConfigureAwait(false);
                await parse.ConfigureAwait(false);

                if (recording.Failure is { } failure)
                    throw new HeapLensException($"could not record the heap walk to {options.TempDirectory}: {failure.Message}");
                cancellationToken.ThrowIfCancellationRequested();
                if (parser is null || !parser.WalkComplete)
                {
                    throw ProcessLocator.IsAlive(target.Id)
                        ? new HeapLensException($"process {target.Id} did not finish the heap walk within {options.Timeout.TotalSeconds:0} s (use --timeout)")
                        : new HeapLensException($"process {target.Id} exited during the capture; no snapshot written");
                }

                string? problem = eventsLost > 0 ? $"{eventsLost} events lost"
                    : builder.ReceivedEdgeCount != builder.ExpectedEdgeCount
                        ? $"{builder.ReceivedEdgeCount:N0} of {builder.ExpectedEdgeCount:N0} references received"
                    : !parsedToEnd ? "the event stream ended abruptly"
                    : null;
                if (problem is not null)
                    return new Attempt(null, problem);

                progress?.Report(new CaptureProgress(CaptureStage.BuildingGraph, recording.BytesWritten, builder.NodeCount));
                var inspection = TargetInspection.Read(target.Id, builder.StaticSlots, builder.RuntimeTypes);
                builder.NameStaticSlots(inspection.StaticFields);
                foreach (var (runtimeTypeId, fullName) in inspection.TypeNames)
                    builder.SetTypeName(runtimeTypeId, fullName);
                var metadata = new SnapshotMetadata
                {
                    ProcessId = target.Id,
                    ProcessName = target.Name,
                    CommandLine = target.CommandLine,
                    RuntimeVersion = ProcessLocator.RuntimeVersionOf(target.Id),
                    CaptureTime = new DateTimeOffset(parser.GcStartTime.ToUniversalTime(), TimeSpan.Zero),
                    GcPauseMilliseconds = double.IsNaN(parser.PauseMilliseconds) ? parser.GcDurationMilliseconds : parser.PauseMilliseconds,
                    GcNumber = parser.GcNumber,
                    StreamBytes = recording.BytesWritten,
                };
                return new Attempt(builder.Build(metadata), null);
            }
            finally
            {
                // Whatever happened, the session must end, or the recording would wait for it forever;
                // and the parser must be done before the builder's memory is freed. After a failure
                // or Ctrl+C, the rest of the stream is not worth parsing.
                if (parse is not null && !parse.IsCompleted)
                    parsing?.StopProcessing();
                await StopAsync(session).ConfigureAwait(false);
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
            TryDelete(tracePath);
        }
    }

    private static EventPipeSession StartSession(DiagnosticsClient client, DotNetProcess target, int bufferMegabytes)
    {
        var providers = new[] { new EventPipeProvider(RuntimeProvider, EventLevel.Verbose, HeapWalkKeywords) };
        try
        {
            // No rundown and no stacks: the walk needs neither, and stacks would multiply the stream.
            return client.StartEventPipeSession(new EventPipeSessionConfiguration(
                providers, bufferMegabytes, requestRundown: false, requestStackwalk: false));
        }
        catch (Exception e) when (e is ServerNotAvailableException or ServerErrorException or UnsupportedCommandException
                                      or IOException or TimeoutException or UnauthorizedAccessException)
        {
            throw ProcessLocator.IsAlive(target.Id)
                ? new HeapLensException($"could not start a diagnostics session in process {target.Id} ({target.Name}): {e.Message}")
                : new HeapLensException($"process {target.Id} exited before the capture started");
        }
    }

    private static async Task WaitForWalkAsync(
        SessionRecording recording,
        ManualResetEventSlim walkDone,
        HeapGraphBuilder builder,
        Func<HeapWalkParser?> parser,
        TimeSpan timeout,
        IProgress<CaptureProgress>? progress,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!walkDone.IsSet && !recording.Completion.IsCompleted && clock.Elapsed < timeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            var stage = parser()?.GcNumber >= 0 ? CaptureStage.Streaming : CaptureStage.WaitingForGc;
            progress?.Report(new CaptureProgress(stage, recording.BytesWritten, builder.NodeCount));
        }
    }

    private static async Task StopAsync(EventPipeSession session)
    {
        try
        {
            await session.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ServerNotAvailableException or ServerErrorException or IOException or InvalidOperationException
                                      or TimeoutException or ObjectDisposedException or EndOfStreamException)
        {
            // The target is gone or the session already ended; the stream's end tells the rest.
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
