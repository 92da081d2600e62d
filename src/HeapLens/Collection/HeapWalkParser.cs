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
/// </summary>
internal sealed class HeapWalkParser
{
    private readonly HeapGraphBuilder _builder;
    private double _suspendStartMs = double.NaN;
    private double _gcStartMs = double.NaN;
    private double _walkEndMs = double.NaN;

    public HeapWalkParser(TraceEventDispatcher source, HeapGraphBuilder builder)
    {
        _builder = builder;
        var clr = source.Clr;
        clr.GCSuspendEEStart += e => _suspendStartMs = e.TimeStampRelativeMSec;
        clr.GCStart += OnGcStart;
        clr.GCStop += OnGcStop;
        clr.GCRestartEEStop += OnRestartEnd;
        clr.GCBulkNode += OnNodes;
        clr.GCBulkEdge += OnEdges;
        clr.TypeBulkType += OnTypes;
        clr.GCBulkRootEdge += OnRoots;
        clr.GCBulkRootStaticVar += OnStaticRoots;
        clr.GCBulkRootConditionalWeakTableElementEdge += OnDependentHandles;
    }

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

    private bool Accept()
    {
        if (InOurWalk)
            return true;
        ForeignWalkEvents++;
        return false;
    }

    /// <summary>Suspension to restart of the walking GC; NaN until the runtime has restarted.</summary>
    public double PauseMilliseconds { get; private set; } = double.NaN;

    /// <summary>Raised on the parsing thread when the walking GC has ended.</summary>
    public event Action? WalkCompleted;

    private void OnGcStart(GCStartTraceData e)
    {
        if (GcNumber >= 0 || e.Depth != 2 || e.Type == GCType.BackgroundGC)
            return;
        GcNumber = e.Count;
        GcStartTime = e.TimeStamp;
        _gcStartMs = e.TimeStampRelativeMSec;
    }

    private void OnGcStop(GCEndTraceData e)
    {
        if (e.Count != GcNumber || WalkComplete)
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
        _walkEndMs = e.TimeStampRelativeMSec;
        WalkCompleted?.Invoke();
    }

    private void OnRestartEnd(TraceEvent e)
    {
        if (!WalkComplete || !double.IsNaN(PauseMilliseconds))
            return;
        double start = _suspendStartMs <= _gcStartMs ? _suspendStartMs : _gcStartMs;
        PauseMilliseconds = e.TimeStampRelativeMSec - (double.IsNaN(start) ? _gcStartMs : start);
    }

    /// <summary>The GC's own duration, for when the restart event did not make it into the stream.</summary>
    public double GcDurationMilliseconds => _walkEndMs - _gcStartMs;

    private void OnNodes(GCBulkNodeTraceData e)
    {
        if (!Accept())
            return;
        if (e.Index != _nextNodeEventIndex && SequenceProblem is null)
            SequenceProblem = $"heap-walk node batch {e.Index} arrived where {_nextNodeEventIndex} was expected";
        _nextNodeEventIndex = e.Index + 1L;
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
