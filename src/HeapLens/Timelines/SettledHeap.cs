namespace HeapLens.Timelines;

/// <summary>
/// The heap after a GC, counting each generation only as far as a collection has vouched for it:
/// the floor measure of the lower envelope.
/// A gen0 GC looks at gen0 only; what it promotes into gen1 was alive at that moment, and may die
/// right after. That garbage stays in gen1 until a gen1 GC, and large and pinned objects stay
/// until a full GC. When those GCs are rarer than the floor's windows (a small gen0 budget makes
/// a GC every few milliseconds, and a big gen2 makes gen1 GCs rare), the raw heap after each gen0
/// GC climbs with dead objects that no GC has looked at: a rising floor on a process that does
/// not leak. So gen1 counts as it was after the last GC that collected it, LOH and POH as they were
/// after the last full GC; gen0 and gen2 count as they are (gen2 grows only by what survived a
/// gen1 GC, which is where a leak shows).
/// </summary>
internal sealed class SettledHeap
{
    private long? _gen1;
    private long? _largeAndPinned;

    /// <summary>The settled heap after <paramref name="gc"/>; GCs must come in order.</summary>
    public long After(GcEvent gc)
    {
        var sizes = gc.After;
        long largeAndPinned = sizes.LargeObjects + sizes.PinnedObjects;
        // Before the first GC that collected a generation, its size as first seen is the best known.
        _gen1 = gc.Generation >= 1 || _gen1 is null ? sizes.Gen1 : Math.Min(_gen1.Value, sizes.Gen1);
        _largeAndPinned = gc.IsFull || _largeAndPinned is null ? largeAndPinned : Math.Min(_largeAndPinned.Value, largeAndPinned);
        return sizes.Gen0 + _gen1.Value + sizes.Gen2 + _largeAndPinned.Value;
    }
}
