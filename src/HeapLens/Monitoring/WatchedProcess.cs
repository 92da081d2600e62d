using HeapLens.Collection;
using HeapLens.Reports;
using HeapLens.Timelines;

namespace HeapLens.Monitoring;

/// <summary>
/// The GC counters of one watched process at one moment: what `/metrics` exposes. Totals count from
/// when the watch began (the runtime does not tell a session about GCs before it).
/// </summary>
/// <param name="Trend">The floor analysis of the GCs seen so far (pattern Unknown while warming up).</param>
/// <param name="CollectionsByGeneration">GCs seen, by condemned generation 0, 1 and 2.</param>
/// <param name="LastHeapAfter">Heap bytes per generation after the latest GC, null before the first.</param>
/// <param name="AllocatedBytes">Bytes allocated between GCs, summed over the GCs seen.</param>
public sealed record ProcessGcCounters(
    DotNetProcess Process,
    DateTime WatchedSinceUtc,
    TrendResult Trend,
    long[] CollectionsByGeneration,
    GenerationSizes? LastHeapAfter,
    double PauseSeconds,
    long AllocatedBytes);

/// <summary>
/// One process under watch: its GC event session, read on a thread of its own, and what the GCs
/// told so far, in bounded memory (<see cref="GcHistory"/> and a few counters).
/// </summary>
public sealed class WatchedProcess : IDisposable
{
    // A live target answers a stop request at once; one that does not (stopped, hung) is abandoned.
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(2);

    // The runtime's counters every few seconds keep a quiet process's GC events flowing to us (see
    // GcEventSession): its last GCs reach /metrics within about this time. Shorter costs more per process.
    private const int HeartbeatSeconds = 5;

    private readonly GcEventSession _session;
    private readonly GcHistory _history = new();
    private readonly long[] _collections = new long[3];
    private readonly Lock _lock = new();
    private double _pauseSeconds;
    private long _allocatedBytes;

    private WatchedProcess(DotNetProcess process, string? startTime, GcEventSession session)
    {
        Process = process;
        StartTime = startTime;
        _session = session;
        Reading = Task.Factory.StartNew(() => session.Process(Add), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public DotNetProcess Process { get; }

    /// <summary>The process's start time as the kernel tells it: with the pid, it names one process even when pids are reused.</summary>
    internal string? StartTime { get; }

    /// <summary>Ends when the process exits or the session is stopped.</summary>
    public Task Reading { get; }

    public static async Task<WatchedProcess> StartAsync(DotNetProcess process, CancellationToken cancellationToken)
    {
        string? startTime = TargetState.StartTimeOf(process.Id);
        var session = await GcEventSession.StartAsync(process.Id, GcEventSession.DefaultStartTimeout, HeartbeatSeconds, cancellationToken)
            .ConfigureAwait(false);
        return new WatchedProcess(process, startTime, session);
    }

    private void Add(GcEvent gc)
    {
        lock (_lock)
        {
            _history.Add(gc);
            _collections[Math.Clamp(gc.Generation, 0, 2)]++;
            _pauseSeconds += gc.PauseMilliseconds / 1000;
            _allocatedBytes += Math.Max(0, gc.AllocatedBytes);
        }
    }

    public ProcessGcCounters Counters(TrendOptions options)
    {
        lock (_lock)
        {
            return new ProcessGcCounters(Process, _session.StartTimeUtc, TrendAnalyzer.Analyze(_history, options),
                [.. _collections], _history.Last?.After, _pauseSeconds, _allocatedBytes);
        }
    }

    /// <summary>The GC timeline and the floor verdict so far, as the `trend` report shows a recorded one.</summary>
    public GcReport Report(TrendOptions options)
    {
        lock (_lock)
            return GcReport.Create(Process, _session.StartTimeUtc, _history, options);
    }

    /// <summary>Stops the session with a deadline: the target is never left with it open.</summary>
    public async Task StopAsync()
    {
        await _session.StopAsync(StopTimeout).ConfigureAwait(false);
        await Task.WhenAny(Reading, Task.Delay(StopTimeout)).ConfigureAwait(false);
    }

    public void Dispose() => _session.Dispose();
}
