using System.Collections.Concurrent;

namespace HeapLens.Formats.HeapSnap;

/// <summary>
/// Threads that compress the blocks of a file's sections while the writer goes on producing them. A section's
/// blocks are compressed independently (see <see cref="SectionBlock"/>), so a section's compression (EDGE alone
/// was ~0.6 s of a 23.5M-object capture's write when one core deflated it while the other waited) is spread over
/// every core. The queue holds at most one block per thread: the raw bytes in flight stay a few blocks,
/// whatever the section's size.
/// </summary>
internal sealed class BlockCompressor : IDisposable
{
    private readonly BlockingCollection<SectionBlock> _queue;
    private readonly Thread[] _threads;

    /// <summary>
    /// One thread per core, up to 8: beyond that the single thread that produces the raw bytes (copies of
    /// arrays, mostly) would become the limit, and each thread holds a block of raw bytes.
    /// </summary>
    public static int DefaultThreads => Math.Clamp(Environment.ProcessorCount, 1, 8);

    public BlockCompressor(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _queue = new BlockingCollection<SectionBlock>(boundedCapacity: threads);
        _threads = new Thread[threads];
        for (int i = 0; i < threads; i++)
        {
            // Background: a writer abandoned by a crash must not keep the process alive.
            _threads[i] = new Thread(Compress) { IsBackground = true, Name = "heapsnap compress" };
            _threads[i].Start();
        }
    }

    /// <summary>Queues the block; waits while every thread is busy and the queue is full.</summary>
    public void Submit(SectionBlock block) => _queue.Add(block);

    private void Compress()
    {
        // A block records its own failure (the writer rethrows it), so the loop always drains the queue:
        // every block submitted completes, and no writer waits forever.
        foreach (var block in _queue.GetConsumingEnumerable())
            block.Compress();
    }

    /// <summary>Lets the threads finish what was queued, then ends them.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        foreach (var thread in _threads)
            thread.Join();
        _queue.Dispose();
    }
}
