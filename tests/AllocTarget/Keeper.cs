using System.Runtime.CompilerServices;

namespace AllocTarget;

/// <summary>
/// The truth for inuse profiles: one method keeps what it allocates, another allocates the same type
/// far more often and drops it at once. Only the kept objects are alive at the end.
/// </summary>
public static class Keeper
{
    public const int ArrayLength = 1000;

    private static List<byte[]> Kept = [];

    // A few of the dropped arrays stay reachable (the JIT would otherwise put them on the stack).
    private static readonly byte[]?[] Recent = new byte[]?[16];

    /// <summary>Allocates <paramref name="keptMegabytes"/> in <see cref="Keep"/> and <paramref name="ratio"/> times as much in <see cref="Drop"/>.</summary>
    public static (Allocated Kept, Allocated Dropped) Run(long keptMegabytes, int ratio)
    {
        long keptBytesWanted = keptMegabytes << 20;
        // Sized up front: Keep allocates the arrays and nothing else, so its byte count is theirs.
        Kept = new List<byte[]>((int)(keptBytesWanted / (ArrayLength + 24)) + 1024);
        long keptCount = 0, keptBytes = 0, droppedCount = 0, droppedBytes = 0;
        // Interleaved in small steps, so that both run through the same GCs and the kept objects are moved.
        const long Step = 1 << 20;
        for (long done = 0; done < keptBytesWanted; done += Step)
        {
            var kept = Keep(Step);
            keptCount += kept.Count;
            keptBytes += kept.Bytes;
            var dropped = Drop(Step * ratio);
            droppedCount += dropped.Count;
            droppedBytes += dropped.Bytes;
        }
        return (new Allocated(keptCount, keptBytes), new Allocated(droppedCount, droppedBytes));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Allocated Keep(long bytesWanted)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        long count = 0;
        for (long done = 0; done < bytesWanted; done += ArrayLength + 24)
        {
            Kept.Add(new byte[ArrayLength]);
            count++;
        }
        return new Allocated(count, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Allocated Drop(long bytesWanted)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        long count = 0;
        for (long done = 0; done < bytesWanted; done += ArrayLength + 24)
        {
            Recent[count & 15] = new byte[ArrayLength];
            count++;
        }
        return new Allocated(count, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
