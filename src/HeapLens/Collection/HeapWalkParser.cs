using HeapLens.Snapshots;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace HeapLens.Collection;

/// <summary>
/// Turns the runtime's heap-walk events (GCBulkNode, GCBulkEdge, TypeBulkType, root events) into a
/// <see cref="HeapGraphBuilder"/>, and follows the induced gen2 GC that produces them: its number,
/// when it ended (the walk is complete) and how long the runtime was suspended for it.
/// Only the walk of the first full blocking GC whose start this session saw is taken: another
/// session on the same process (a second heaplens, dotnet-gcdump) makes the runtime walk the heap
/// again, and those walks reach every session that asked for heap-walk events. Their events, before
/// or after ours, are counted in <see cref="ForeignWalkEvents"/> and never added to the graph.
/// The decisions live here, fed with plain values, so that both readers of the stream (TraceEvent's,
/// through <see cref="HeapWalkParser(TraceEventDispatcher, HeapGraphBuilder)"/>, and
/// <see cref="Nettrace.HeapWalkStreamReader"/>) take exactly the same walk.
/// </summary>
internal sealed class HeapWalkParser
{
    private readonly HeapGraphBuilder _builder;
    private double _suspendStartMs = double.NaN;
    private double _gcStartMs = double.NaN;
    private double _walkEndMs = double.NaN;

    public HeapWalkParser(HeapGraphBuilder builder)
    {
        _builder = builder;
    }

    /// <summary>Parses with TraceEvent: the reference reader, and the fallback for streams the fast reader does not know.</summary>
    public HeapWalkParser(TraceEventDispatcher source, HeapGraphBuilder builder) : this(builder)
    {
        var clr = source.Clr;
        clr.GCSuspendEEStart += e => OnSuspendStart(e.TimeStampRelativeMSec);
        clr.GCStart += e => OnGcStart(e.Count, e.Depth, (int)e.Type, e.TimeStampRelativeMSec, e.TimeStamp);
        clr.GCStop += e => OnGcStop(e.Count, e.TimeStampRelativeMSec);
        clr.GCRestartEEStop += e => OnRestartEnd(e.TimeStampRelativeMSec);
        clr.GCBulkNode += OnNodes;
        clr.GCBulkEdge += OnEdges;
        clr.TypeBulkType += OnTypes;
        clr.GCBulkRootEdge += OnRoots;
        clr.GCBulkRootStaticVar += OnStaticRoots;
        clr.GCBulkRootConditionalWeakTableElementEdge += OnDependentHandles;
    }

    public HeapGraphBuilder Builder => _builder;

    /// <summary>Number of the induced gen2 GC that walks the heap; -1 until it starts.</summary>
    public int GcNumber { get; private set; } = -1;

    public DateTime GcStartTime { get; private set; }

    public bool WalkComplete { get; private set; }

    /// <summary>Heap-walk events that arrived outside our GC: another session's walk of the same process.</summary>
    public long ForeignWalkEvents { get; private set; }

    /// <summary>
    /// The runtime numbers a walk's GCBulkNode events from 0; a gap or a restart means the nodes are not
    /// one walk seen whole. Null while they are.
    /// </summary>
    public string? SequenceProblem { get; private set; }

    private long _nextNodeEventIndex;

    /// <summary>Inside the GC whose start we saw and whose end we have not seen yet.</summary>
    private bool InOurWalk => GcNumber >= 0 && !WalkComplete;

    /// <summary>Whether a heap-walk event belongs to our walk (counted as foreign when not).</summary>
    public bool Accept()
    {
        if (InOurWalk)
            return true;
        ForeignWalkEvents++;
        return false;
    }

    /// <summary>
    /// Walk events were taken before the start of their GC was read (<see cref="AcceptAhead"/>); the next GC
    /// start taken ends this, and its reader checks that it began before them.
    /// </summary>
    public bool Provisional { get; private set; }

    /// <summary>
    /// <see cref="Accept"/> for a reader that takes events in stream order (<see cref="Nettrace.HeapWalkStreamReader"/>):
    /// a walk while no GC is ours may be ours, its start still to come in the stream from another thread
    /// (server GC), so it is taken provisionally.
    /// </summary>
    public bool AcceptAhead()
    {
        if (GcNumber < 0 && !WalkComplete)
            Provisional = true;
        return Provisional || Accept();
    }

    /// <summary>Suspension to restart of the walking GC; NaN until the runtime has restarted.</summary>
    public double PauseMilliseconds { get; private set; } = double.NaN;

    /// <summary>Raised on the parsing thread when the walking GC has ended.</summary>
    public event Action? WalkCompleted;

    public void OnSuspendStart(double timeMs) => _suspendStartMs = timeMs;

    /// <summary>A GC started; <paramref name="type"/> is the runtime's GCType (1: background).</summary>
    /// <returns>Whether this GC is now the one whose walk is taken.</returns>
    public bool OnGcStart(int count, int depth, int type, double timeMs, DateTime timeStamp)
    {
        if (GcNumber >= 0 || depth != 2 || type == (int)GCType.BackgroundGC)
            return false;
        GcNumber = count;
        Provisional = false;
        GcStartTime = timeStamp;
        _gcStartMs = timeMs;
        return true;
    }

    public void OnGcStop(int count, double timeMs)
    {
        if (count != GcNumber || WalkComplete)
            return;
        if (_builder.NodeCount == 0)
        {
            // A full GC of the application's own that began just before the induced one walked
            // nothing: keep waiting for the GC that does.
            GcNumber = -1;
            _nextNodeEventIndex = 0;
            return;
        }
        WalkComplete = true;
        _walkEndMs = timeMs;
        WalkCompleted?.Invoke();
    }

    /// <summary>
    /// Raised on the parsing thread when the walking GC's pause is measured (the runtime's restart after it): the
    /// last event of the walk that a capture waits for.
    /// </summary>
    public event Action? PauseMeasured;

    public void OnRestartEnd(double timeMs)
    {
        if (!WalkComplete || !double.IsNaN(PauseMilliseconds))
            return;
        double start = _suspendStartMs <= _gcStartMs ? _suspendStartMs : _gcStartMs;
        PauseMilliseconds = timeMs - (double.IsNaN(start) ? _gcStartMs : start);
        PauseMeasured?.Invoke();
    }

    /// <summary>The GC's own duration, for when the restart event did not make it into the stream.</summary>
    public double GcDurationMilliseconds => _walkEndMs - _gcStartMs;

    /// <summary>A GCBulkNode event of our walk begins (call after <see cref="Accept"/>): checks its place in the walk.</summary>
    public void OnNodeBatch(long index)
    {
        if (index != _nextNodeEventIndex && SequenceProblem is null)
            SequenceProblem = $"heap-walk node batch {index} arrived where {_nextNodeEventIndex} was expected";
        _nextNodeEventIndex = index + 1L;
    }

    private void OnNodes(GCBulkNodeTraceData e)
    {
        if (!Accept())
            return;
        OnNodeBatch(e.Index);
        for (int i = 0; i < e.Count; i++)
        {
            var node = e.Values(i);
            _builder.AddNode(node.Address, node.Size, node.TypeID, checked((int)node.EdgeCount));
        }
    }

    private void OnEdges(GCBulkEdgeTraceData e)
    {
        if (!Accept())
            return;
        for (int i = 0; i < e.Count; i++)
            _builder.AddEdge(e.Values(i).Target);
    }

    // Types are taken from any walk: a type id names the same type in every walk of one process.
    private void OnTypes(GCBulkTypeTraceData e)
    {
        for (int i = 0; i < e.Count; i++)
        {
            var type = e.Values(i);
            if (!string.IsNullOrEmpty(type.TypeName))
                _builder.SetTypeName(type.TypeID, type.TypeName);
        }
    }

    private void OnRoots(GCBulkRootEdgeTraceData e)
    {
        if (!Accept())
            return;
        for (int i = 0; i < e.Count; i++)
        {
            var root = e.Values(i);
            if (root.RootedNodeAddress != 0)
                _builder.AddRoot(root.RootedNodeAddress, KindOf(root.GCRootKind, root.GCRootFlag));
        }
    }

    private void OnStaticRoots(GCBulkRootStaticVarTraceData e)
    {
        if (!Accept())
            return;
        for (int i = 0; i < e.Count; i++)
        {
            var root = e.Values(i);
            if (root.ObjectID != 0)
                _builder.AddStaticRoot(root.ObjectID, root.GCRootID, root.FieldName);
        }
    }

    private void OnDependentHandles(GCBulkRootConditionalWeakTableElementEdgeTraceData e)
    {
        if (!Accept())
            return;
        for (int i = 0; i < e.Count; i++)
        {
            var edge = e.Values(i);
            if (edge.GCKeyNodeID != 0 && edge.GCValueNodeID != 0)
                _builder.AddDependentEdge(edge.GCKeyNodeID, edge.GCValueNodeID);
        }
    }

    internal static RootKind KindOf(GCRootKind kind, GCRootFlags flags) => kind switch
    {
        GCRootKind.Stack => RootKind.Stack,
        GCRootKind.Finalizer => RootKind.FinalizerQueue,
        GCRootKind.SizedRef => RootKind.SizedRefHandle,
        GCRootKind.Handle when (flags & GCRootFlags.WeakRef) != 0 => RootKind.WeakHandle,
        GCRootKind.Handle when (flags & GCRootFlags.RefCounted) != 0 => RootKind.RefCountedHandle,
        GCRootKind.Handle when (flags & GCRootFlags.Pinning) != 0 => RootKind.PinnedHandle,
        GCRootKind.Handle => RootKind.StrongHandle,
        _ => RootKind.Other,
    };
}
