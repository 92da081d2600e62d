using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HeapLens.DataStructures;

/// <summary>
/// Native memory for <see cref="ChunkedList{T}"/>'s chunks (MBs each), asked for in huge pages where Linux
/// gives them on request (transparent huge pages in "madvise" mode): a 20M-object walk fills about 600 MB
/// of chunks, and with 4 KB pages the kernel spends about as long faulting them in as the reader spends
/// decoding the stream. Without huge pages the memory is the same, only slower to touch first.
/// </summary>
internal static unsafe partial class ChunkMemory
{
    private const nuint HugePage = 2 << 20;
    private const int MadviseHugePage = 14; // MADV_HUGEPAGE

    public static void* Allocate(nuint bytes)
    {
        void* memory = NativeMemory.AlignedAlloc(bytes, HugePage);
        if (OperatingSystem.IsLinux() && bytes % HugePage == 0)
            _ = madvise(memory, bytes, MadviseHugePage); // a hint: failure only means small pages
        return memory;
    }

    public static void Free(void* memory) => NativeMemory.AlignedFree(memory);

    /// <summary>
    /// Asks for huge pages, as Allocate does, for a large managed array not yet touched (fresh from the GC, which
    /// asks for none): the whole 2 MB pages inside it fault in 2 MB at a time on their first touch. Building the
    /// graph of a 23.5M-object walk (its arrays copied out of the chunks, references resolved) took 2.2 s of CPU,
    /// most of it 4 KB page faults; 0.6 s with this (bench --build, load ~10). Only a hint on this process's own mapping (an array the GC moved later would leave a harmless hint
    /// behind): nothing depends on it.
    /// </summary>
    public static void AdviseHugePages<T>(T[] array) where T : unmanaged
    {
        if (!OperatingSystem.IsLinux())
            return;
        nuint start = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        nuint end = start + (nuint)array.Length * (nuint)sizeof(T);
        nuint first = (start + HugePage - 1) & ~(HugePage - 1);
        nuint last = end & ~(HugePage - 1);
        if (last > first)
            _ = madvise((void*)first, last - first, MadviseHugePage);
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int madvise(void* address, nuint length, int advice);
}
