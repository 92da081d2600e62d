namespace HeapLens.Collection.Nettrace;

/// <summary>A GC's suspension, start, end or restart, as read from the stream, waiting for its turn in time.</summary>
internal readonly record struct ControlEvent(RuntimeEvent Kind, long Timestamp, int Count, int Depth, int Type);

/// <summary>
/// The GC events of threads other than the walk's, held in time order until every walk event before them has
/// been read. The runtime writes a stream a thread at a time (all of one thread's buffered events, then the
/// next thread's: ep-buffer-manager.c), so with server GC the GC's start and end, fired by one GC thread, can
/// come before the walk that another GC thread did between them. Read in stream order, such a walk would fall
/// outside its own GC. There are a handful of these events per GC, so a sorted list is all it takes.
/// </summary>
internal sealed class HeldControlEvents
{
    private readonly List<ControlEvent> _events = [];

    public bool Any => _events.Count > 0;

    public void Hold(ControlEvent e)
    {
        // After every held event of the same or an earlier time: equal times keep the stream's order.
        int at = _events.Count;
        while (at > 0 && _events[at - 1].Timestamp > e.Timestamp)
            at--;
        _events.Insert(at, e);
    }

    /// <summary>The earliest held event if it is earlier than <paramref name="timestamp"/>.</summary>
    public bool TryTakeBefore(long timestamp, out ControlEvent e)
    {
        if (_events.Count > 0 && _events[0].Timestamp < timestamp)
        {
            e = _events[0];
            _events.RemoveAt(0);
            return true;
        }
        e = default;
        return false;
    }
}
