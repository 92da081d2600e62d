using System.Runtime.InteropServices;

namespace HeapLens.DataStructures;

/// <summary>
/// An append-only list of unmanaged values in fixed-size chunks of native memory. It never copies on
/// growth (List&lt;T&gt; would need twice its size at each doubling), and a drained chunk is freed at
/// once: native chunks this large are mapped pages that go back to the OS on free, whereas freed
/// managed arrays would stay in the process's working set until the GC decides to decommit them.
/// That difference is most of the collector's peak memory on a 20M-object heap.
/// </summary>
internal sealed unsafe partial class ChunkedList<T> : IDisposable where T : unmanaged
{
    private const int ChunkShift = 20; // 1M items a chunk
    private const int ChunkSize = 1 << ChunkShift;
    private const int ChunkMask = ChunkSize - 1;

    private readonly List<IntPtr> _chunks = [];
    private T* _current;
    private int _currentCount;

    public long Count { get; private set; }

    public void Add(T item)
    {
        if (_current is null || _currentCount == ChunkSize)
            NewChunk();
        _current[_currentCount++] = item;
        Count++;
    }

    /// <summary>
    /// Room for up to <paramref name="wanted"/> items at the end of the list (fewer at a chunk's end): write
    /// them, then <see cref="Commit"/> how many were written. For bulk appends without a check per item.
    /// </summary>
    public Span<T> AppendSpan(int wanted)
    {
        if (_current is null || _currentCount == ChunkSize)
            NewChunk();
        return new Span<T>(_current + _currentCount, Math.Min(wanted, ChunkSize - _currentCount));
    }

    public void Commit(int written)
    {
        _currentCount += written;
        Count += written;
    }

    private void NewChunk()
    {
        _current = (T*)ChunkMemory.Allocate((nuint)ChunkSize * (nuint)sizeof(T));
        _chunks.Add((IntPtr)_current);
        _currentCount = 0;
    }

    public T this[long index] => ((T*)_chunks[(int)(index >> ChunkShift)])[index & ChunkMask];

    /// <summary>Copies the items into one array and empties the list, freeing chunks as it goes.</summary>
    public T[] DrainToArray()
    {
        var result = GC.AllocateUninitializedArray<T>(checked((int)Count));
        ChunkMemory.AdviseHugePages(result);
        DrainInto(result);
        return result;
    }

    /// <summary>Copies the items to the start of <paramref name="destination"/> and empties the list.</summary>
    public void DrainInto(T[] destination)
    {
        if (destination.Length < Count)
            throw new ArgumentException("The destination is too small.", nameof(destination));
        long copied = 0;
        Drain(items =>
        {
            items.CopyTo(destination.AsSpan((int)copied));
            copied += items.Length;
        });
    }

    /// <summary>Visits the items in order as spans, freeing each chunk after its visit.</summary>
    public void Drain(SpanAction<T> visit)
    {
        long remaining = Count;
        for (int c = 0; c < _chunks.Count; c++)
        {
            int n = (int)Math.Min(ChunkSize, remaining);
            visit(new ReadOnlySpan<T>((void*)_chunks[c], n));
            remaining -= n;
            ChunkMemory.Free((void*)_chunks[c]);
            _chunks[c] = IntPtr.Zero;
        }
        Reset();
    }

    private void Reset()
    {
        _chunks.Clear();
        _current = null;
        _currentCount = 0;
        Count = 0;
    }

    public void Dispose()
    {
        foreach (var chunk in _chunks)
            ChunkMemory.Free((void*)chunk);
        Reset();
        GC.SuppressFinalize(this);
    }

    ~ChunkedList() => Dispose();
}

internal delegate void SpanAction<T>(ReadOnlySpan<T> items);
