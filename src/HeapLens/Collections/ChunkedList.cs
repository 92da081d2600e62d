namespace HeapLens.Collections;

/// <summary>
/// An append-only list of unmanaged values in fixed-size chunks. Unlike List&lt;T&gt; it never copies
/// on growth, so appending 50M items never needs twice their memory; and it can be drained
/// into an exact-size array chunk by chunk, releasing each chunk once copied.
/// </summary>
internal sealed class ChunkedList<T> where T : unmanaged
{
    private const int ChunkShift = 20; // 1M items a chunk
    private const int ChunkSize = 1 << ChunkShift;
    private const int ChunkMask = ChunkSize - 1;

    private readonly List<T[]> _chunks = [];
    private T[]? _current;
    private int _currentCount;

    public long Count { get; private set; }

    public void Add(T item)
    {
        if (_current is null || _currentCount == ChunkSize)
        {
            _current = new T[ChunkSize];
            _chunks.Add(_current);
            _currentCount = 0;
        }
        _current[_currentCount++] = item;
        Count++;
    }

    public T this[long index]
    {
        get => _chunks[(int)(index >> ChunkShift)][index & ChunkMask];
        set => _chunks[(int)(index >> ChunkShift)][index & ChunkMask] = value;
    }

    /// <summary>Copies the items into one array and empties the list, freeing chunks as it goes.</summary>
    public T[] DrainToArray()
    {
        var result = new T[checked((int)Count)];
        long copied = 0;
        for (int c = 0; c < _chunks.Count; c++)
        {
            int n = (int)Math.Min(ChunkSize, Count - copied);
            Array.Copy(_chunks[c], 0, result, copied, n);
            copied += n;
            _chunks[c] = null!;
        }
        Clear();
        return result;
    }

    /// <summary>Visits the items in order as spans, releasing each chunk after its visit.</summary>
    public void Drain(SpanAction<T> visit)
    {
        long remaining = Count;
        for (int c = 0; c < _chunks.Count; c++)
        {
            int n = (int)Math.Min(ChunkSize, remaining);
            visit(_chunks[c].AsSpan(0, n));
            remaining -= n;
            _chunks[c] = null!;
        }
        Clear();
    }

    private void Clear()
    {
        _chunks.Clear();
        _current = null;
        _currentCount = 0;
        Count = 0;
    }
}

internal delegate void SpanAction<T>(ReadOnlySpan<T> items);
