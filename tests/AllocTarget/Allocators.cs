using System.Runtime.CompilerServices;

namespace AllocTarget;

public readonly record struct Allocated(long Count, long Bytes);

public static class Allocators
{
    // Keeps the latest allocations reachable: without it the JIT may prove an allocation does not
    // escape and put it on the stack, and the sampler would never see it.
    private static readonly object[] Sink = new object[1024];

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Allocated AllocateArrays(long bytesWanted)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        long count = 0;
        long perArray = 1024; // byte[1000] on 64-bit: 24 bytes of header and length + 1000
        for (long done = 0; done < bytesWanted; done += perArray)
        {
            Sink[count & 1023] = new byte[1000];
            count++;
        }
        return new Allocated(count, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Allocated AllocateObjects(long bytesWanted)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        long count = 0;
        long perObject = 24; // a plain object on 64-bit: header, method table, one pointer of padding
        for (long done = 0; done < bytesWanted; done += perObject)
        {
            Sink[count & 1023] = new object();
            count++;
        }
        return new Allocated(count, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
