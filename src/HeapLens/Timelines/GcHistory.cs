namespace HeapLens.Timelines;

/// <summary>
/// Everything the monitor remembers about past GCs, in bounded memory however long it runs.
/// GCs go into time buckets; when there are more buckets than the capacity, the bucket width
/// doubles and neighbours merge. A one-minute run keeps sub-second detail, a one-day run keeps
/// a few minutes per bucket, and both cost the same few kilobytes. Merging keeps the envelope
/// (highest before, lowest after), which is what a floor trend and a chart are made of.
/// </summary>
public sealed class GcHistory
{
    private readonly List<GcBucket> _buckets = [];
    private readonly SettledHeap _settled = new();
    private readonly int _capacity;
    private double _bucketSeconds;

    public GcHistory(int capacity = 512, double initialBucketSeconds = 0.25)
    {
        if (capacity < 4)
            throw new ArgumentOutOfRangeException(nameof(capacity), "keep at least 4 buckets");
        _capacity = capacity;
        _bucketSeconds = initialBucketSeconds;
    }

    public IReadOnlyList<GcBucket> Buckets => _buckets;
    public long Count { get; private set; }
    public long FullCount { get; private set; }
    public GcEvent? Last { get; private set; }

    /// <summary>Adds a GC. GCs arrive in time order; a late one joins the last bucket.</summary>
    public void Add(GcEvent gc)
    {
        Count++;
        if (gc.IsFull)
            FullCount++;
        Last = gc;
        long settled = _settled.After(gc);
        if (_buckets.Count > 0 && SlotOf(gc.Seconds) <= SlotOf(_buckets[^1].StartSeconds))
            _buckets[^1].Add(gc, settled);
        else
            _buckets.Add(GcBucket.Of(gc, settled));
        while (_buckets.Count > _capacity)
            Coarsen();
    }

    private long SlotOf(double seconds) => (long)Math.Floor(seconds / _bucketSeconds);

    /// <summary>Doubles the bucket width and merges the buckets that now share a slot.</summary>
    private void Coarsen()
    {
        _bucketSeconds *= 2;
        int kept = 0;
        for (int i = 0; i < _buckets.Count; i++)
        {
            if (kept > 0 && SlotOf(_buckets[i].StartSeconds) == SlotOf(_buckets[kept - 1].StartSeconds))
                _buckets[kept - 1].Absorb(_buckets[i]);
            else
                _buckets[kept++] = _buckets[i];
        }
        _buckets.RemoveRange(kept, _buckets.Count - kept);
    }
}
