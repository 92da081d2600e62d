using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace HeapLens.Collection;

/// <summary>
/// Follows every sampled object from its allocation to the end of the recording window through the
/// GCs in between, from the runtime's GCHeapSurvivalAndMovement events (keyword 0x400000): a GC
/// relocates live objects (GCBulkMovedObjectRanges: old base, new base, length), leaves others in
/// place (GCBulkSurvivingObjectRanges), and everything else in the generations it condemned is dead.
/// Which addresses a GC condemned comes from its GCGenerationRange events (one per region of each
/// generation, sent at the GC's start and end). The ranges of one GC are applied together when it
/// ends (a compacting GC slides objects onto addresses that others vacate), and every GC has its own
/// context, so that the ephemeral GCs that run inside a background GC keep their ranges apart.
/// A background GC sweeps instead of compacting and runs beside the application (objects allocated
/// or promoted meanwhile are not in its ranges): it moves nothing, and it kills nothing here either;
/// an object that dies in it stays tracked until a blocking GC condemns its generation again, and
/// the final heap walk drops it if another object now sits at its address.
/// When the GC of the final heap walk ends, the tracked objects are frozen: they are the candidates
/// that <see cref="InducedHeapWalk"/> confirms. PerfView's GCHeapSimulator is the prior art.
/// </summary>
internal sealed class SurvivorTracker
{
    private const int LargeObjectGeneration = 3;
    private const int PinnedObjectGeneration = 4;

    private readonly int _walkGc;
    private readonly List<GcContext> _open = [];

    // The tracked objects, struct of arrays: current address, type, and the profile sample they add to.
    private ulong[] _addresses = new ulong[1024];
    private ulong[] _types = new ulong[1024];
    private int[] _samples = new int[1024];
    private int _count;

    /// <param name="walkGc">The number of the GC that walks the heap at the end of the window.</param>
    public SurvivorTracker(TraceEventDispatcher source, int walkGc)
        : this(walkGc)
    {
        var clr = source.Clr;
        clr.GCStart += e => OnGcStart(e.Count, e.Depth, e.Type == GCType.BackgroundGC);
        clr.GCStop += e => OnGcEnd(e.Count);
        clr.GCGenerationRange += e =>
        {
            OnGenerationRange(e.Generation, e.RangeStart, Math.Max(e.RangeReservedLength, e.RangeUsedLength));
            GenerationRangeEvents++;
        };
        clr.GCBulkMovedObjectRanges += e =>
        {
            for (int i = 0; i < e.Count; i++)
            {
                var range = e.Values(i);
                OnMoved(range.OldRangeBase, range.NewRangeBase, range.RangeLength);
            }
            RangeEvents++;
        };
        clr.GCBulkSurvivingObjectRanges += e =>
        {
            for (int i = 0; i < e.Count; i++)
            {
                var range = e.Values(i);
                OnMoved(range.RangeBase, range.RangeBase, range.RangeLength);
            }
            RangeEvents++;
        };
    }

    /// <summary>A tracker fed by hand (tests): the On* methods in the order the runtime sends the events.</summary>
    internal SurvivorTracker(int walkGc) => _walkGc = walkGc;

    /// <summary>The objects alive at the end of the walk's GC, as far as movement says; null until it ended.</summary>
    public TrackedObjects? AtWalk { get; private set; }

    /// <summary>GCs whose movement was applied.</summary>
    public int GcsApplied { get; private set; }

    /// <summary>Movement and survival range events read.</summary>
    public long RangeEvents { get; private set; }

    /// <summary>GCGenerationRange events read (one per region of each generation, twice per GC).</summary>
    public long GenerationRangeEvents { get; private set; }

    /// <summary>The GC's end came without its start (the recording began mid-GC): its ranges cannot be placed.</summary>
    public int GcsWithoutStart { get; private set; }

    /// <summary>Starts tracking a sampled object (before the walk's GC: later objects are not in the window).</summary>
    public void OnSampled(ulong address, ulong typeId, int sample)
    {
        if (AtWalk is not null || address == 0)
            return;
        if (_count == _addresses.Length)
        {
            Array.Resize(ref _addresses, _count * 2);
            Array.Resize(ref _types, _count * 2);
            Array.Resize(ref _samples, _count * 2);
        }
        _addresses[_count] = address;
        _types[_count] = typeId;
        _samples[_count] = sample;
        _count++;
    }

    private GcContext? Current => _open.Count > 0 ? _open[^1] : null;

    internal void OnGcStart(int number, int depth, bool background)
    {
        if (AtWalk is not null)
            return;
        _open.Add(new GcContext(number, depth, background));
    }

    /// <summary>A region of a generation, at the GC's start or end; the condemned ones bound what the GC can collect.</summary>
    internal void OnGenerationRange(int generation, ulong start, ulong length)
    {
        if (Current is not { } gc || length == 0)
            return;
        bool condemned = generation <= gc.Depth
                         || (gc.Depth == 2 && generation is LargeObjectGeneration or PinnedObjectGeneration);
        if (condemned)
            gc.Condemned.Add(new Range(start, start + length, 0));
    }

    /// <summary>Live objects in [from, from + length) now start at <paramref name="to"/> (the same for a surviving range).</summary>
    internal void OnMoved(ulong from, ulong to, ulong length)
    {
        if (Current is { } gc && length > 0)
            gc.Moved.Add(new Range(from, from + length, to));
    }

    internal void OnGcEnd(int number)
    {
        if (AtWalk is not null)
            return;
        int at = _open.FindLastIndex(c => c.Number == number);
        if (at < 0)
        {
            GcsWithoutStart++;
            return;
        }
        var gc = _open[at];
        _open.RemoveAt(at);
        Apply(gc);
        if (gc.Number == _walkGc)
            AtWalk = new TrackedObjects(_addresses[.._count], _types[.._count], _samples[.._count]);
    }

    /// <summary>Moves the tracked objects that this GC relocated and drops those it condemned and did not keep.</summary>
    private void Apply(GcContext gc)
    {
        GcsApplied++;
        if (_count == 0)
            return;
        var moved = gc.Moved.ToArray();
        Array.Sort(moved, static (a, b) => a.Start.CompareTo(b.Start));
        var condemned = gc.IsBackground ? [] : Merged(gc.Condemned);
        int kept = 0;
        for (int i = 0; i < _count; i++)
        {
            ulong address = _addresses[i];
            var range = Find(moved, address);
            if (range is { } r)
                address = r.Target + (address - r.Start);
            else if (Find(condemned, address) is not null)
                continue; // condemned and not kept: collected
            _addresses[kept] = address;
            _types[kept] = _types[i];
            _samples[kept] = _samples[i];
            kept++;
        }
        _count = kept;
    }

    /// <summary>Sorted, with overlaps merged: a region is listed at the GC's start and again at its end.</summary>
    private static Range[] Merged(List<Range> ranges)
    {
        ranges.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        var merged = new List<Range>(ranges.Count);
        foreach (var range in ranges)
        {
            if (merged.Count > 0 && range.Start <= merged[^1].End)
                merged[^1] = merged[^1] with { End = Math.Max(merged[^1].End, range.End) };
            else
                merged.Add(range);
        }
        return [.. merged];
    }

    /// <summary>The range of a sorted, non-overlapping set that holds the address, or null.</summary>
    private static Range? Find(Range[] ranges, ulong address)
    {
        int low = 0, high = ranges.Length - 1;
        while (low <= high)
        {
            int middle = (low + high) >>> 1;
            var range = ranges[middle];
            if (address < range.Start)
                high = middle - 1;
            else if (address >= range.End)
                low = middle + 1;
            else
                return range;
        }
        return null;
    }

    /// <summary>[Start, End) and, for a moved range, where Start went.</summary>
    private readonly record struct Range(ulong Start, ulong End, ulong Target);

    private sealed class GcContext(int number, int depth, bool isBackground)
    {
        public int Number { get; } = number;
        public int Depth { get; } = depth;
        public bool IsBackground { get; } = isBackground;
        public List<Range> Moved { get; } = [];
        public List<Range> Condemned { get; } = [];
    }
}

/// <summary>Sampled objects believed alive: address, type id and profile sample of each (parallel arrays).</summary>
internal sealed record TrackedObjects(ulong[] Addresses, ulong[] Types, int[] Samples)
{
    public int Count => Addresses.Length;
}
