using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;
using HeapLens.Collection.Nettrace;
using HeapLens.Snapshots;

namespace HeapLens.Collection;

/// <summary>
/// The end of an inuse window: a second session asks the runtime for a heap walk, which makes it run
/// one induced, blocking, full GC (like Go's heap profile with ?gc=1) and list every object that
/// survived it. The allocation session, still open, receives that GC's movement, so the tracked
/// sampled objects are at their final addresses when it ends; the walk then confirms each of them:
/// an object of the same type at the tracked address. Only the walk's objects at tracked addresses
/// are looked at (a second pass over the recorded walk), so confirming costs memory for the samples,
/// not for the heap.
/// </summary>
public sealed class InducedHeapWalk : IAsyncDisposable
{
    // GC | Type | GCHeapDump | GCHeapCollect | GCHeapAndTypeNames: the runtime's heap-walk request.
    private const long HeapWalkKeywords = 0x1980001;
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";

    private readonly SessionRecording? _recording;
    private HeapSnapshot? _snapshot;
    private Dictionary<ulong, int>? _typeIndexOfRuntimeType;

    private InducedHeapWalk(SessionRecording? recording, int gcNumber, long objects, string? problem)
    {
        _recording = recording;
        GcNumber = gcNumber;
        Objects = objects;
        Problem = problem;
    }

    /// <summary>The number of the walking GC; -1 when it did not happen.</summary>
    public int GcNumber { get; }

    /// <summary>Objects the walk listed.</summary>
    public long Objects { get; }

    /// <summary>Why the walk cannot confirm survivors (events lost, incomplete, the target exited); null when it can.</summary>
    public string? Problem { get; }

    /// <summary>
    /// Runs the walk in <paramref name="processId"/>. Never throws for a failed walk: the window's
    /// allocations are still worth writing, so the problem is returned for the profile to say.
    /// </summary>
    public static async Task<InducedHeapWalk> RunAsync(int processId, string tempDirectory, TimeSpan timeout)
    {
        HeapWalkLock walkLock;
        try
        {
            walkLock = HeapWalkLock.Acquire(processId);
        }
        catch (HeapLensException e)
        {
            return Failed(e.Message);
        }
        using (walkLock)
        {
            EventPipeSession session;
            try
            {
                int buffer = HeapSnapshotCollector.BufferFor(processId);
                var client = new DiagnosticsClient(processId);
                using var deadline = new CancellationTokenSource(timeout);
                session = await client.StartEventPipeSessionAsync(new EventPipeSessionConfiguration(
                    [new EventPipeProvider(RuntimeProvider, EventLevel.Verbose, HeapWalkKeywords)], buffer,
                    requestRundown: false, requestStackwalk: false), deadline.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HeapLensException or OperationCanceledException or ServerNotAvailableException
                                          or ServerErrorException or UnsupportedCommandException or IOException or TimeoutException
                                          or UnauthorizedAccessException)
            {
                return Failed(ProcessLocator.IsAlive(processId)
                    ? $"the heap walk at the end of the window could not start ({e.Message})"
                    : "the process exited before the heap walk at the end of the window");
            }
            return await RecordAsync(session, processId, tempDirectory, timeout).ConfigureAwait(false);
        }
    }

    private static InducedHeapWalk Failed(string problem) => new(null, -1, 0, problem);

    /// <summary>No walk: the window ended without one (the target exited, the recording failed).</summary>
    public static InducedHeapWalk Unavailable(string problem) => Failed(problem);

    private static async Task<InducedHeapWalk> RecordAsync(EventPipeSession session, int processId, string tempDirectory, TimeSpan timeout)
    {
        var recording = new SessionRecording(session.EventStream, tempDirectory, $".heaplens-walk-{processId}-{Guid.NewGuid():N}.nettrace");
        var watcher = new WalkWatcher();
        int eventsLost = 0;
        bool parsedToEnd = false;
        EventPipeEventSource? parsing = null;
        var parse = Task.Factory.StartNew(() =>
        {
            using var follower = recording.OpenFollower();
            using var source = new EventPipeEventSource(follower);
            parsing = source;
            watcher.Attach(source);
            try
            {
                source.Process();
                parsedToEnd = true;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A stream cut short by a dying target: reported as incomplete below.
            }
            eventsLost = source.EventsLost;
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!watcher.Complete && !recording.Completion.IsCompleted && !recording.Failed.IsCompleted && clock.Elapsed < timeout)
            await Task.Delay(50).ConfigureAwait(false);
        bool endedEarly = recording.Completion.IsCompleted && !watcher.Complete;
        await HeapSnapshotCollector.StopAsync(session).ConfigureAwait(false);
        await recording.Completion.ConfigureAwait(false);
        if (!watcher.Complete)
            parsing?.StopProcessing();
        await parse.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        session.Dispose();

        string? problem = recording.Failure is { } failure ? $"the heap walk could not be recorded ({failure.Message})"
            : !watcher.Complete ? endedEarly
                ? (ProcessLocator.IsAlive(processId) ? "the heap walk at the end of the window was cut short" : "the process exited before the heap walk at the end of the window")
                : $"the heap walk at the end of the window did not finish within {timeout.TotalSeconds:0} s"
            : eventsLost > 0 ? $"the heap walk lost {eventsLost} events"
            : watcher.SequenceProblem is { } sequence ? sequence
            : !parsedToEnd ? "the heap walk's event stream ended abruptly"
            : null;
        if (problem is not null)
        {
            await recording.DisposeAsync().ConfigureAwait(false);
            return new InducedHeapWalk(null, watcher.GcNumber, watcher.Objects, problem);
        }
        return new InducedHeapWalk(recording, watcher.GcNumber, watcher.Objects, null);
    }

    /// <summary>
    /// Which of the tracked objects the walk holds, with the same type at the same address. Where two
    /// tracked objects end at one address (one of them died unnoticed and the address was reused), the
    /// later sample is the one that can be there.
    /// </summary>
    internal bool[] Confirm(TrackedObjects tracked)
    {
        if (_recording is null)
            throw new InvalidOperationException("the walk has nothing to confirm with: " + Problem);
        if (_snapshot is not null)
            return Array.ConvertAll(NodesOf(tracked), node => node >= 0);
        var at = LatestAt(tracked);
        var confirmed = new bool[tracked.Count];
        using var replay = _recording.OpenReplay();
        using var source = new EventPipeEventSource(replay);
        bool inWalk = false;
        source.Clr.GCStart += e => inWalk = e.Count == GcNumber;
        source.Clr.GCStop += e => inWalk &= e.Count != GcNumber;
        source.Clr.GCBulkNode += e =>
        {
            if (!inWalk)
                return;
            for (int i = 0; i < e.Count; i++)
            {
                var node = e.Values(i);
                if (at.TryGetValue(node.Address, out int index) && tracked.Types[index] == node.TypeID)
                    confirmed[index] = true;
            }
        };
        source.Process();
        return confirmed;
    }

    /// <summary>
    /// After <see cref="ReadSnapshot"/>: per tracked object, its node in the snapshot (same address, same
    /// type), or -1. Looked up in the built graph, so no second pass over the walk's stream.
    /// </summary>
    internal int[] NodesOf(TrackedObjects tracked)
    {
        var snapshot = _snapshot ?? throw new InvalidOperationException("the walk was not read as a snapshot");
        using var index = snapshot.IndexAddresses();
        var nodes = new int[tracked.Count];
        Array.Fill(nodes, -1);
        foreach (var (address, i) in LatestAt(tracked))
        {
            int node = index.Find(address);
            if (node >= 0 && _typeIndexOfRuntimeType!.TryGetValue(tracked.Types[i], out int type) && snapshot.TypeIndex[node] == type)
                nodes[i] = node;
        }
        return nodes;
    }

    // Later samples overwrite earlier ones at the same address.
    private static Dictionary<ulong, int> LatestAt(TrackedObjects tracked)
    {
        var at = new Dictionary<ulong, int>(tracked.Count);
        for (int i = 0; i < tracked.Count; i++)
            at[tracked.Addresses[i]] = i;
        return at;
    }

    /// <summary>
    /// The walk as a complete heap snapshot: the same stream a `heaplens snapshot` reads, replayed through
    /// the same reader and refused by the same checks. One walk, not two: the GC that ended the window is
    /// the snapshot's GC, so the tracked objects are at the addresses the snapshot holds.
    /// </summary>
    internal HeapSnapshot ReadSnapshot(DotNetProcess target)
    {
        if (_recording is null)
            throw new HeapLensException($"{Problem}; no snapshot written");
        if (_snapshot is not null)
            return _snapshot;
        var read = HeapWalkReading.Read(_recording.OpenReplay, HeapWalkReader.Fast, refuseTruncated: false);
        using var builder = read.Parser.Builder;
        if (!read.Parser.WalkComplete || read.Parser.GcNumber != GcNumber)
            throw new HeapLensException($"the heap walk of process {target.Id} at the end of the window is incomplete; no snapshot written");
        if (HeapWalkSnapshot.Problem(read, target.Id) is { } problem)
            throw new HeapLensException($"the heap walk of process {target.Id} at the end of the window was incomplete ({problem}); no snapshot written");
        Dictionary<ulong, string> runtimeTypeNames = [];
        var built = HeapWalkSnapshot.Build(read.Parser, target, _recording.BytesWritten, beforeBuild: b =>
        {
            foreach (var (id, name) in b.RuntimeTypes)
                runtimeTypeNames[id] = name ?? "";
        });
        var snapshot = built.Snapshot ?? throw new HeapLensException(
            $"the heap walk of process {target.Id} at the end of the window was incomplete ({built.Problem}); no snapshot written");
        // Types of one name are merged when the graph is built: the runtime id finds its type by name.
        var typeByName = new Dictionary<string, int>(snapshot.TypeNames.Length, StringComparer.Ordinal);
        for (int i = 0; i < snapshot.TypeNames.Length; i++)
            typeByName.TryAdd(snapshot.TypeNames[i], i);
        _typeIndexOfRuntimeType = [];
        foreach (var (id, name) in runtimeTypeNames)
            if (typeByName.TryGetValue(name, out int type))
                _typeIndexOfRuntimeType[id] = type;
        _snapshot = snapshot;
        return snapshot;
    }

    public async ValueTask DisposeAsync()
    {
        if (_recording is not null)
            await _recording.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Finds the walking GC in the live stream: the first blocking full GC whose start this session saw
    /// and that listed objects (a full GC of the application's own that began just before walks nothing).
    /// </summary>
    private sealed class WalkWatcher
    {
        private long _nextNodeBatch;
        private volatile bool _complete;

        public int GcNumber { get; private set; } = -1;
        public long Objects { get; private set; }
        public string? SequenceProblem { get; private set; }
        public bool Complete => _complete;

        public void Attach(TraceEventDispatcher source)
        {
            source.Clr.GCStart += e =>
            {
                if (GcNumber < 0 && e.Depth == 2 && e.Type != GCType.BackgroundGC)
                    GcNumber = e.Count;
            };
            source.Clr.GCStop += e =>
            {
                if (e.Count != GcNumber || _complete)
                    return;
                if (Objects == 0)
                {
                    GcNumber = -1;
                    _nextNodeBatch = 0;
                    return;
                }
                _complete = true;
            };
            source.Clr.GCBulkNode += e =>
            {
                if (GcNumber < 0 || _complete)
                    return;
                if (e.Index != _nextNodeBatch)
                    SequenceProblem ??= $"heap-walk node batch {e.Index} arrived where {_nextNodeBatch} was expected";
                _nextNodeBatch = e.Index + 1L;
                Objects += e.Count;
            };
        }
    }
}
