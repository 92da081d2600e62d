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

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int madvise(void* address, nuint length, int advice);
}
