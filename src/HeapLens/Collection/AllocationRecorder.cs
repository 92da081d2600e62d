using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;

namespace HeapLens.Collection;

/// <summary>How a recording ended.</summary>
public sealed record AllocationRecording(string TracePath, long TraceBytes, TimeSpan Elapsed, bool TargetExited);

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
    public static async Task<AllocationRecording> RecordAsync(int processId, string tracePath, TimeSpan duration,
        int? runtimeMajorVersion, IProgress<long>? progress, CancellationToken stop)
    {
        var client = new DiagnosticsClient(processId);
        EventPipeSession session;
        try
        {
            session = await client.StartEventPipeSessionAsync(
                new EventPipeSessionConfiguration(Providers(runtimeMajorVersion), CircularBufferMegabytes,
                    requestRundown: true, requestStackwalk: true),
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ServerNotAvailableException or ServerErrorException or UnsupportedCommandException
                                      or IOException or TimeoutException)
        {
            throw new HeapLensException($"cannot start an event session in process {processId}: {e.Message}", e);
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (session)
        {
            await using var file = new FileStream(tracePath, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16,
                FileOptions.Asynchronous);
            var copy = CopyWithProgressAsync(session.EventStream, file, progress);

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
            timeout.CancelAfter(duration);
            bool targetExited = false;
            var finished = await Task.WhenAny(copy, Task.Delay(Timeout.Infinite, timeout.Token)).ConfigureAwait(false);
            if (finished == copy)
                targetExited = true; // the stream ended by itself: the process went away
            else
                await StopSessionAsync(session).ConfigureAwait(false);
            await copy.ConfigureAwait(false);
            await file.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            return new AllocationRecording(tracePath, file.Length, clock.Elapsed, targetExited);
        }
    }

    /// <summary>
    /// AllocationSampled on .NET 10 and later, GCAllocationTick before. When the version is unknown,
    /// both: a runtime with AllocationSampled does not fire AllocationTick in the same session, and
    /// an older one ignores the keyword it does not know.
    /// </summary>
    internal static EventPipeProvider[] Providers(int? runtimeMajorVersion)
    {
        long keywords = AllocationKeywords.Symbols;
        if (runtimeMajorVersion is null or >= 10)
            keywords |= AllocationKeywords.AllocationSampling;
        if (runtimeMajorVersion is null or < 10)
            keywords |= AllocationKeywords.Gc;
        // Verbose: AllocationTick and the method load events that carry names are verbose-level.
        return [new EventPipeProvider(RuntimeProvider, EventLevel.Verbose, keywords)];
    }

    private static async Task StopSessionAsync(EventPipeSession session)
    {
        try
        {
            await session.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ServerNotAvailableException or IOException or EndOfStreamException)
        {
            // The target exited just as we stopped: the stream ends on its own.
        }
    }

    private static async Task CopyWithProgressAsync(Stream source, Stream destination, IProgress<long>? progress)
    {
        var buffer = new byte[1 << 16];
        long total = 0;
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                await destination.WriteAsync(buffer.AsMemory(0, read)).ConfigureAwait(false);
                total += read;
                progress?.Report(total);
            }
        }
        catch (IOException)
        {
            // The connection broke (the target died): keep what arrived.
        }
    }
}
