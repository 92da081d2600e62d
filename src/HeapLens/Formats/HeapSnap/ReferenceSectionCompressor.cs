using System.Collections.Concurrent;
using HeapLens.Snapshots;

namespace HeapLens.Formats.HeapSnap;

/// <summary>
/// Compresses the references section (EDGE) while the graph's references are still being resolved: the resolver
/// fills chunks (each reference as target - source, as <see cref="HeapSnapFile"/> writes them), a thread of its own
/// deflates them in order. On a 23.5M-object capture EDGE is 36.5 of the file's 43 MB and one deflate stream of
/// ~0.6 s of CPU, which the writer otherwise could only start once the snapshot was built. The chunks are the
/// writer's own (64K values), so the section's bytes are the same. A fixed set of chunks bounds the memory: the
/// resolver waits when the compressor is that far behind. A failure on either side ends both: the resolver's
/// next hand-off throws the compressor's error, and <see cref="Dispose"/> stops and joins the thread.
/// </summary>
internal sealed class ReferenceSectionCompressor : IResolvedReferenceSink, IDisposable
{
    private const int ChunkValues = 1 << 16;
    private const int Chunks = 8;

    private readonly BlockingCollection<(int[] Values, int Count)> _filled = new();
    private readonly BlockingCollection<int[]> _empty = new();
    private readonly CancellationTokenSource _abandon = new();
    private readonly SectionBuffer _section = new();
    private readonly Thread _thread;
    private readonly Action<int>? _beforeChunk;
    private Exception? _failure;
    private int[] _chunk;
    private int _count;
    private long _references;
    private bool _completed;

    /// <param name="beforeChunk">Tests only: runs on the compressing thread before chunk n is deflated (to fail it).</param>
    public ReferenceSectionCompressor(Action<int>? beforeChunk = null)
    {
        _beforeChunk = beforeChunk;
        for (int i = 0; i < Chunks; i++)
            _empty.Add(new int[ChunkValues]);
        _chunk = _empty.Take();
        _thread = new Thread(Compress) { IsBackground = true, Name = "heaplens EDGE deflate" };
        _thread.Start();
    }

    /// <summary>Whether the compressing thread still runs (tests: none may be left behind).</summary>
    internal bool IsRunning => _thread.IsAlive;

    public void Add(ReadOnlySpan<int> from, ReadOnlySpan<int> to)
    {
        if (_completed)
            throw new InvalidOperationException("references added after the last one");
        for (int i = 0; i < to.Length; i++)
        {
            _chunk[_count++] = to[i] - from[i];
            if (_count == ChunkValues)
                HandOff();
        }
        _references += to.Length;
    }

    public void Complete()
    {
        if (_count > 0)
            HandOff();
        _completed = true;
        _filled.CompleteAdding();
    }

    /// <summary>
    /// Waits for the compressor and gives the compressed section (owned by this object, freed by
    /// <see cref="Dispose"/>). It must hold exactly <paramref name="expectedReferences"/>: the snapshot being written.
    /// </summary>
    public SectionBuffer TakeSection(long expectedReferences)
    {
        if (!_completed)
            throw new InvalidOperationException("the references are not all resolved yet");
        _thread.Join();
        if (_failure is not null)
            throw Rethrown(_failure);
        if (_references != expectedReferences)
            throw new InvalidOperationException($"{_references} references compressed for a snapshot of {expectedReferences}");
        return _section;
    }

    private void HandOff()
    {
        try
        {
            _filled.Add((_chunk, _count), _abandon.Token);
            _count = 0;
            _chunk = _empty.Take(_abandon.Token);
        }
        catch (OperationCanceledException) when (_failure is not null)
        {
            throw Rethrown(_failure);
        }
    }

    private void Compress()
    {
        try
        {
            int n = 0;
            using var section = new SectionWriter(_section, SectionTag.EdgeTargets);
            foreach (var (values, count) in _filled.GetConsumingEnumerable(_abandon.Token))
            {
                _beforeChunk?.Invoke(n++);
                section.Write<int>(values.AsSpan(0, count));
                _empty.Add(values);
            }
        }
        catch (OperationCanceledException) when (_abandon.IsCancellationRequested)
        {
            // Abandoned (Dispose): the section is thrown away.
        }
        catch (Exception e)
        {
            _failure = e;
            _abandon.Cancel(); // wakes a resolver waiting for an empty chunk
        }
    }

    // Keeps the compressor's type and message (an IOException stays one, for the file writer's one-line error).
    private static Exception Rethrown(Exception failure) =>
        failure is IOException io ? new IOException(io.Message, io) : new InvalidOperationException(failure.Message, failure);

    public void Dispose()
    {
        if (_thread.IsAlive)
        {
            _abandon.Cancel();
            _thread.Join();
        }
        _section.Dispose();
        _filled.Dispose();
        _empty.Dispose();
        _abandon.Dispose();
    }
}
