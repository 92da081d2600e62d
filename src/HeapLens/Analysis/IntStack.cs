namespace HeapLens.Analysis;

/// <summary>
/// A growable stack of ints for the iterative walks: heap graphs can be 20M objects deep
/// (a long linked list), far beyond what recursion on the thread stack survives.
/// </summary>
internal struct IntStack
{
    private int[] _items;
    private int _count;

    public IntStack(int initialCapacity) => _items = new int[Math.Max(initialCapacity, 16)];

    public readonly int Count => _count;

    public void Push(int value)
    {
        if (_count == _items.Length)
            Array.Resize(ref _items, checked(_items.Length * 2));
        _items[_count++] = value;
    }

    public int Pop() => _items[--_count];
}
