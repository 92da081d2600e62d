using HeapLens.Timelines;

namespace HeapLens.Collection;

/// <summary>
/// Puts the runtime's separate GC events back together into one <see cref="GcEvent"/> per collection.
/// The runtime sends, for a blocking GC: SuspendEE, GCStart, PerHeapHistory, GCStop, HeapStats, RestartEE.
/// A background gen2 GC starts, lets the program run (gen0/gen1 "foreground" GCs may start and finish
/// inside it) and stops much later, so the pieces are matched by nesting, not by order alone.
/// Knows nothing of EventPipe, so it can be driven from tests with made-up sequences.
/// </summary>
internal sealed class GcEventAssembler(Action<GcEvent> completed)
{
    private sealed class PendingGc(long number, int generation, string reason, string kind, double startSeconds)
    {
        public long Number { get; } = number;
        public int Generation { get; } = generation;
        public string Reason { get; } = reason;
        public string Kind { get; } = kind;
        public double StartSeconds { get; } = startSeconds;
        public double PauseMilliseconds { get; set; }
        public long SizeBefore { get; set; }
        public long Fragmentation { get; set; }
        public bool HasHistory { get; set; }
        public double StopSeconds { get; set; }
    }

    // Open GCs, innermost last: at most a background GC and one foreground GC inside it.
    private const int MaxOpen = 2;
    private readonly List<PendingGc> _open = [];
    private PendingGc? _awaitingHeapStats;
    private readonly List<(PendingGc Gc, GenerationSizes Sizes, long Promoted)> _awaitingRestart = [];
    private double? _suspendedAt;
    private PendingGc? _startedDuringSuspension;
    private double _previousEndSeconds = double.NaN;
    private long _previousHeapAfter = -1;

    public void Suspend(double seconds)
    {
        _suspendedAt = seconds;
        _startedDuringSuspension = null;
    }

    public void Start(long number, int generation, string reason, string kind, double seconds)
    {
        var gc = new PendingGc(number, generation, reason, kind, seconds);
        // Only a background GC can hold another inside it; an older open GC lost its GCStop
        // (dropped events) and must not stay open, and grow the list, forever.
        if (_open.Count >= MaxOpen)
            _open.RemoveAt(0);
        _open.Add(gc);
        if (_suspendedAt is not null)
            _startedDuringSuspension = gc;
    }

    /// <summary>One heap's history; server GC sends one per heap, so they add up.</summary>
    public void PerHeapHistory(long sizeBefore, long fragmentation)
    {
        if (_open.Count == 0)
            return;
        var gc = _open[^1];
        gc.SizeBefore += sizeBefore;
        gc.Fragmentation += fragmentation;
        gc.HasHistory = true;
    }

    public void Stop(long number, double seconds)
    {
        int at = _open.FindLastIndex(g => g.Number == number);
        if (at < 0)
            return; // the session began in the middle of this GC
        var gc = _open[at];
        _open.RemoveAt(at);
        gc.StopSeconds = seconds;
        _awaitingHeapStats = gc;
    }

    public void HeapStats(GenerationSizes sizes, long promoted)
    {
        if (_awaitingHeapStats is not { } gc)
            return;
        _awaitingHeapStats = null;
        // A blocking GC's pause ends after its heap stats; wait for it. A background GC ends while
        // the program runs, so there is no pause left to wait for.
        if (_suspendedAt is not null)
            _awaitingRestart.Add((gc, sizes, promoted));
        else
            Complete(gc, sizes, promoted);
    }

    public void Restart(double seconds)
    {
        if (_suspendedAt is not double suspendedAt)
            return;
        double pause = (seconds - suspendedAt) * 1000;
        _suspendedAt = null;
        // The pause belongs to the GC that started inside it; a pause without a new GC is a
        // background GC's own suspension (its start or its final phase).
        var owner = _startedDuringSuspension ?? _open.LastOrDefault(g => g.Kind == "BackgroundGC")
            ?? _awaitingRestart.Select(p => p.Gc).LastOrDefault();
        _startedDuringSuspension = null;
        if (owner is not null)
            owner.PauseMilliseconds += pause;
        foreach (var (gc, sizes, promoted) in _awaitingRestart)
            Complete(gc, sizes, promoted, seconds);
        _awaitingRestart.Clear();
    }

    private void Complete(PendingGc gc, GenerationSizes sizes, long promoted, double? endSeconds = null)
    {
        long heapAfter = sizes.Total;
        // Without a per-heap history (older runtimes) the size before is unknown; the previous
        // GC's heap-after is the honest lower bound.
        long heapBefore = gc.HasHistory ? gc.SizeBefore : Math.Max(_previousHeapAfter, 0);
        // A background GC overlaps the foreground GCs that finished inside it: "allocated since
        // the previous GC" has no meaning for it, so it reports none.
        bool first = _previousHeapAfter < 0;
        bool overlapped = !first && gc.StartSeconds < _previousEndSeconds;
        long allocated = first || overlapped ? 0 : Math.Max(0, heapBefore - _previousHeapAfter);
        double between = first || overlapped ? 0 : gc.StartSeconds - _previousEndSeconds;
        double rate = between > 0 ? allocated / between : 0;
        completed(new GcEvent(gc.Number, gc.StartSeconds, gc.Generation, gc.Reason, gc.Kind, gc.PauseMilliseconds,
            heapBefore, sizes, promoted, gc.Fragmentation, allocated, rate));
        _previousHeapAfter = heapAfter;
        _previousEndSeconds = endSeconds ?? gc.StopSeconds;
    }
}
