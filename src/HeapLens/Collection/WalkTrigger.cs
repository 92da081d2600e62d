using Microsoft.Diagnostics.NETCore.Client;

namespace HeapLens.Collection;

/// <summary>
/// Asks the runtime for the GC that walks the heap from a second session, so that the session recording the
/// walk streams it while the target is paused. The runtime runs that GC inside the request that enables the
/// GCHeapCollect keyword, before the requesting session's streaming thread exists (dotnet/runtime:
/// eventpipe_protocol_helper_collect_tracing replies and calls ep_start_streaming only after ep_enable, whose
/// provider callback runs ETW::GCLog::ForceGC). A session that enables GCHeapCollect itself therefore receives
/// nothing until the target resumes, and its whole walk (1 GB for 23.5M objects) waits in the runtime's buffer.
/// Here the recording session, already streaming, enables the walk's events without GCHeapCollect, and this
/// one enables only GCHeapCollect: the walk's events go to the recording session as they are written, so its
/// stream ends shortly after the pause instead of seconds after it.
/// </summary>
internal sealed class WalkTrigger : IAsyncDisposable
{
    /// <summary>GCHeapCollect only: the keyword makes the runtime run the walking GC; it has no events of its own.</summary>
    public const long Keywords = 0x800000;

    /// <summary>The session receives nothing: the smallest buffer the runtime accepts.</summary>
    public const int BufferMegabytes = 1;

    private readonly CancellationTokenSource _abandon = new();
    private readonly Task _ended;

    private WalkTrigger(Func<CancellationToken, Task<EventPipeSession?>> start)
    {
        Started = Task.Run(() => start(_abandon.Token));
        _ended = EndWhenStartedAsync();
    }

    /// <summary>
    /// Completes when the runtime has run the walking GC (and answered the request), with null when the target died or
    /// did not answer in time; faults when a live target refused.
    /// </summary>
    public Task<EventPipeSession?> Started { get; }

    /// <param name="start">Starts the trigger session (its request returns when the walking GC is over).</param>
    public static WalkTrigger Start(Func<CancellationToken, Task<EventPipeSession?>> start) => new(start);

    /// <summary>
    /// Ends the trigger session as soon as its request has returned: the GC it asked for is over, and the session has
    /// nothing more to do. Its stop is a round trip to the target (~130 ms measured on 23.5M objects), which this way
    /// overlaps the end of the walk's stream and the graph's build instead of following them.
    /// </summary>
    private async Task EndWhenStartedAsync()
    {
        try
        {
            using var session = await Started.ConfigureAwait(false);
            if (session is not null)
                await HeapSnapshotCollector.StopAsync(session).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or HeapLensException)
        {
            // Abandoned or refused: the capture reports its own outcome.
        }
    }

    /// <summary>Waits for the trigger session's end, abandoning a request still waiting for the target (the capture gave up).</summary>
    public async ValueTask DisposeAsync()
    {
        if (!Started.IsCompleted)
            _abandon.Cancel();
        try
        {
            await _ended.ConfigureAwait(false);
        }
        finally
        {
            _abandon.Dispose();
        }
    }
}
