using System.Diagnostics.Tracing;
using System.Globalization;
using HeapLens.Timelines;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace HeapLens.Collection;

/// <summary>
/// A low-overhead EventPipe session on a live process that reports every garbage collection.
/// It asks for the GC keyword at Informational level only: a handful of events per GC, no
/// allocation ticks, no stacks, no rundown, so the target hardly notices it.
/// Every wait on the target has a deadline: a process that is stopped (SIGSTOP), hung or held in
/// a debugger answers nothing, and must not hang the caller.
/// </summary>
public sealed class GcEventSession : IDisposable
{
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";

    /// <summary>How long <see cref="StartAsync"/> waits for the target to open the session.</summary>
    public static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromSeconds(10);

    private readonly EventPipeSession _session;
    private readonly EventPipeEventSource _source;
    private int _stopRequested;

    private GcEventSession(EventPipeSession session, EventPipeEventSource source, DateTime startTimeUtc)
    {
        _session = session;
        _source = source;
        StartTimeUtc = startTimeUtc;
    }

    /// <summary>Events the session could not deliver (the runtime's buffer overflowed).</summary>
    public int EventsLost => _source.EventsLost;

    /// <summary>
    /// When the session started (UTC): second 0 of the event times. Taken from the local clock as
    /// the session opens; the trace's own start time is only known once events flow.
    /// </summary>
    public DateTime StartTimeUtc { get; }

    /// <summary>
    /// Why the event stream ended in the middle of a block, or null when it ended cleanly (or has
    /// not ended). A target that dies (SIGKILL, SIGTERM, a crash) cuts its stream this way.
    /// </summary>
    public string? BrokenBy { get; private set; }

    /// <summary>
    /// Opens the session, waiting at most <paramref name="timeout"/> for the target to answer.
    /// Throws <see cref="HeapLensException"/> when the process cannot be reached or does not answer.
    /// </summary>
    public static Task<GcEventSession> StartAsync(int processId, TimeSpan timeout, CancellationToken cancellationToken) =>
        StartAsync(processId, timeout, heartbeatSeconds: null, cancellationToken);

    /// <summary>
    /// With <paramref name="heartbeatSeconds"/>, the session also asks for the runtime's counters at that
    /// interval. They are not used; they keep events flowing. TraceEvent dispatches the last events of a
    /// quiet process only once later data arrives (dotnet/runtime #76704): without a heartbeat, the GCs
    /// of an idle process would reach a long-running watcher late or never.
    /// </summary>
    public static async Task<GcEventSession> StartAsync(int processId, TimeSpan timeout, int? heartbeatSeconds,
        CancellationToken cancellationToken)
    {
        var providers = new List<EventPipeProvider>
        {
            new(RuntimeProvider, EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC),
        };
        if (heartbeatSeconds is int seconds)
        {
            providers.Add(new EventPipeProvider("System.Runtime", EventLevel.Informational, 0,
                new Dictionary<string, string> { ["EventCounterIntervalSec"] = seconds.ToString(CultureInfo.InvariantCulture) }));
        }
        // No stacks: a GC event's stack is the allocating thread's, of no use for a timeline,
        // and walking it on every event would cost the target.
        var configuration = new EventPipeSessionConfiguration(providers, 16, requestRundown: false, requestStackwalk: false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var startTime = DateTime.UtcNow;
        EventPipeSession session;
        try
        {
            session = await new DiagnosticsClient(processId).StartEventPipeSessionAsync(configuration, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw NoAnswer(processId, "open a GC event session", timeout);
        }
        catch (Exception e) when (e is ServerNotAvailableException or ServerErrorException or UnsupportedCommandException
                                      or EndOfStreamException or IOException or TimeoutException)
        {
            throw new HeapLensException($"cannot open a GC event session on process {processId}: {e.Message}", e);
        }

        // The source reads the trace's header from the stream as it is made: a target stopped
        // right after it answered would block that read, so it has the same deadline.
        var opening = Task.Run(() => new EventPipeEventSource(session.EventStream), CancellationToken.None);
        try
        {
            var source = await opening.WaitAsync(deadline.Token).ConfigureAwait(false);
            return new GcEventSession(session, source, startTime);
        }
        catch (Exception e) when (e is OperationCanceledException or EndOfStreamException or IOException or FormatException)
        {
            await AbandonAsync(session, TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
                throw;
            throw e is OperationCanceledException
                ? NoAnswer(processId, "start its GC event stream", timeout)
                : new HeapLensException($"process {processId} ended the GC event session before it began: {e.Message}", e);
        }
    }

    private static HeapLensException NoAnswer(int processId, string what, TimeSpan timeout) => new(string.Create(CultureInfo.InvariantCulture,
        $"process {processId} did not {what} within {timeout.TotalSeconds:0.#} s (is it stopped, or hung?)"));

    /// <summary>
    /// Reads events and calls <paramref name="onGc"/> for each finished GC, on the calling thread,
    /// until the session is stopped or abandoned, or the process exits.
    /// </summary>
    public void Process(Action<GcEvent> onGc)
    {
        var assembler = new GcEventAssembler(onGc);
        var clr = _source.Clr;
        clr.GCSuspendEEStart += e => assembler.Suspend(Seconds(e));
        clr.GCStart += e => assembler.Start(e.Count, e.Depth, e.Reason.ToString(), e.Type.ToString(), Seconds(e));
        clr.GCPerHeapHistory += e => assembler.PerHeapHistory(SizeBefore(e), Fragmentation(e));
        clr.GCStop += e => assembler.Stop(e.Count, Seconds(e));
        clr.GCHeapStats += e => assembler.HeapStats(
            new GenerationSizes(e.GenerationSize0, e.GenerationSize1, e.GenerationSize2, e.GenerationSize3, e.GenerationSize4),
            e.TotalPromoted);
        clr.GCRestartEEStop += e => assembler.Restart(Seconds(e));
        try
        {
            _source.Process();
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException or ObjectDisposedException)
        {
            // The stream was cut: the process went away mid-block (TraceEvent says "Read past end
            // of stream" with a FormatException), or the session was abandoned. What arrived stands.
            if (Volatile.Read(ref _stopRequested) == 0)
                BrokenBy = e.Message;
        }
    }

    /// <summary>
    /// Asks the target to end the session and waits at most <paramref name="timeout"/> for its
    /// answer; <see cref="Process"/> returns once the runtime has flushed the rest. Returns false
    /// when the target did not answer (stopped or hung): the session is then abandoned. Its event
    /// stream is closed and the stop request stays queued in the target's diagnostics socket, so a
    /// target that resumes ends the session itself instead of writing to nobody.
    /// </summary>
    public async Task<bool> StopAsync(TimeSpan timeout)
    {
        if (Interlocked.Exchange(ref _stopRequested, 1) != 0)
            return true;
        return await StopOrAbandonAsync(_session, timeout).ConfigureAwait(false);
    }

    private static async Task<bool> StopOrAbandonAsync(EventPipeSession session, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await session.StopAsync(deadline.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            // No answer in time. Closing our end of the stream also wakes the thread reading it.
            session.EventStream.Dispose();
            return false;
        }
        catch (Exception e) when (e is ServerNotAvailableException or ServerErrorException or EndOfStreamException
                                      or IOException or TimeoutException or ObjectDisposedException)
        {
            // The process is gone, and with it the session.
            return true;
        }
    }

    private static async Task AbandonAsync(EventPipeSession session, TimeSpan timeout)
    {
        await StopOrAbandonAsync(session, timeout).ConfigureAwait(false);
        session.Dispose();
    }

    /// <summary>
    /// Never blocks for long: a session not yet stopped gets a stop request with a short deadline
    /// (EventPipeSession.Dispose alone would wait for the target's answer without one).
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _stopRequested, 1) == 0)
            StopOrAbandonAsync(_session, TimeSpan.FromSeconds(2)).GetAwaiter().GetResult();
        _session.Dispose();
        _source.Dispose();
    }

    private static double Seconds(TraceEvent e) => e.TimeStampRelativeMSec / 1000;

    private static readonly Gens[] AllGenerations = [Gens.Gen0, Gens.Gen1, Gens.Gen2, Gens.GenLargeObj, Gens.GenPinObj];

    private static long SizeBefore(GCPerHeapHistoryTraceData e)
    {
        long total = 0;
        foreach (var gen in Present(e))
            total += e.GenData(gen).SizeBefore;
        return total;
    }

    private static long Fragmentation(GCPerHeapHistoryTraceData e)
    {
        long total = 0;
        foreach (var gen in Present(e))
            total += e.GenData(gen).Fragmentation;
        return total;
    }

    // Runtimes before .NET 5 have no pinned object heap and send four generations, not five.
    private static IEnumerable<Gens> Present(GCPerHeapHistoryTraceData e) =>
        AllGenerations.Take(Math.Min(AllGenerations.Length, e.EntriesInGenData));
}
