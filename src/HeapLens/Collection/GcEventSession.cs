using System.Diagnostics.Tracing;
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
/// </summary>
public sealed class GcEventSession : IDisposable
{
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";
    private readonly EventPipeSession _session;
    private readonly EventPipeEventSource _source;
    private int _stopped;

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

    /// <summary>Opens the session. Throws <see cref="HeapLensException"/> when the process cannot be reached.</summary>
    public static GcEventSession Start(int processId)
    {
        var providers = new[]
        {
            new EventPipeProvider(RuntimeProvider, EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC),
        };
        EventPipeSession session;
        var startTime = DateTime.UtcNow;
        try
        {
            var client = new DiagnosticsClient(processId);
            // No stacks: a GC event's stack is the allocating thread's, of no use for a timeline,
            // and walking it on every event would cost the target.
            var configuration = new EventPipeSessionConfiguration(providers, 16,
                requestRundown: false, requestStackwalk: false);
            session = client.StartEventPipeSession(configuration);
        }
        catch (Exception e) when (e is ServerNotAvailableException or ServerErrorException or UnsupportedCommandException
                                      or EndOfStreamException or IOException or TimeoutException)
        {
            throw new HeapLensException($"cannot open a GC event session on process {processId}: {e.Message}", e);
        }
        try
        {
            return new GcEventSession(session, new EventPipeEventSource(session.EventStream), startTime);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException)
        {
            session.Dispose();
            throw new HeapLensException($"process {processId} ended the GC event session before it began: {e.Message}", e);
        }
    }

    /// <summary>
    /// Reads events and calls <paramref name="onGc"/> for each finished GC, on the calling thread,
    /// until <see cref="Stop"/> is called or the process exits.
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
        catch (Exception e) when (e is EndOfStreamException or IOException)
        {
            // The process went away mid-stream: what arrived so far stands.
        }
    }

    /// <summary>Ends the session; <see cref="Process"/> returns once the runtime has flushed it.</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
            return;
        try
        {
            _session.Stop();
        }
        catch (Exception e) when (e is ServerNotAvailableException or ServerErrorException or EndOfStreamException
                                      or IOException or TimeoutException or ObjectDisposedException)
        {
            // The process is gone, and with it the session.
        }
    }

    public void Dispose()
    {
        _source.Dispose();
        _session.Dispose();
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
