using System.Runtime.InteropServices;

namespace HeapLens.Analysis;

/// <summary>
/// A working array outside the GC heap, for the big per-vertex arrays of one analysis phase: freed
/// (or shortened) the moment the phase ends, so its memory returns to the system at once instead
/// of waiting for a full GC, and the next phase's arrays do not stack on top of it.
/// Indexing is unchecked: callers index with vertex numbers they produced themselves.
/// </summary>
internal sealed unsafe class NativeArray<T> : IDisposable where T : unmanaged
{
    public NativeArray(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Pointer = (T*)NativeMemory.Alloc((nuint)Math.Max(length, 1), (nuint)sizeof(T));
        Length = length;
    }

    private NativeArray(T* pointer, int length)
    {
        Pointer = pointer;
        Length = length;
    }

    public T* Pointer { get; private set; }

    public int Length { get; }

    public ref T this[int index] => ref Pointer[index];

    /// <summary>
    /// The same memory as <paramref name="length"/> elements of another type, shortened in place
    /// (the allocator hands the tail back to the system). This array gives up its memory.
    /// </summary>
    public NativeArray<TOther> ShrinkAs<TOther>(int length) where TOther : unmanaged
    {
        if ((ulong)length * (ulong)sizeof(TOther) > (ulong)Length * (ulong)sizeof(T))
            throw new ArgumentOutOfRangeException(nameof(length), "Shrinking cannot grow the array.");
        var shrunk = (TOther*)NativeMemory.Realloc(Pointer, (nuint)Math.Max(length, 1) * (nuint)sizeof(TOther));
        Pointer = null;
        return new NativeArray<TOther>(shrunk, length);
    }

    public void Dispose()
    {
        if (Pointer is not null)
        {
            NativeMemory.Free(Pointer);
            Pointer = null;
        }
    }
}
