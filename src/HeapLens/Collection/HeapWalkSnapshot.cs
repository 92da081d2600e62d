using HeapLens.Collection.Nettrace;
using HeapLens.Snapshots;

namespace HeapLens.Collection;

/// <summary>
/// Turns a heap walk read from a live target into a snapshot, or says why it cannot: the checks that
/// make a snapshot complete or nothing (no event lost, every announced reference received, every type
/// named, the stream read to its end), then the names only the live target can give (static fields,
/// nested types). Shared by <see cref="HeapSnapshotCollector"/> and the walk that ends an allocation
/// window (<see cref="InducedHeapWalk"/>), so both refuse the same walks.
/// </summary>
internal static class HeapWalkSnapshot
{
    /// <summary>
    /// Why the walk read cannot become a snapshot; null when it can. Types the walk left unnamed are not a
    /// problem yet: <see cref="Build"/> names them from the live target, and refuses only those it cannot name.
    /// </summary>
    public static string? Problem(HeapWalkRead read, int processId)
    {
        var parser = read.Parser;
        var builder = parser.Builder;
        string? problem = read.EventsLost > 0 ? $"{read.EventsLost} events lost"
            : parser.SequenceProblem is { } sequence ? sequence
            : builder.ReceivedEdgeCount != builder.ExpectedEdgeCount
                ? $"{builder.ReceivedEdgeCount:N0} of {builder.ExpectedEdgeCount:N0} references received"
            : !read.ReadToEnd ? "the event stream ended abruptly"
            : null;
        return problem is null ? null : WithForeignWalk(problem, parser, processId);
    }

    /// <summary>
    /// The runtime names a type to its sessions once, until no session asks for type events any more: while
    /// another session (a dotnet-gcdump, or a session a killed tool left behind) keeps them on, a second walk
    /// names only the types that are new since the first.
    /// </summary>
    private static string UnnamedTypesProblem(int unnamed, int processId) =>
        $"{unnamed:N0} types of the walk were never named: another tool (e.g. dotnet-gcdump) has a heap-walk session "
        + $"open on process {processId}, try again when it has finished";

    private static string WithForeignWalk(string problem, HeapWalkParser parser, int processId) =>
        parser.ForeignWalkEvents > 0 && !problem.Contains("another tool", StringComparison.Ordinal)
            ? problem + $"; another tool (e.g. dotnet-gcdump) was walking the heap of process {processId} at the same time, try again when it has finished"
            : problem;

    /// <summary>
    /// Names what the walk leaves unnamed from the live target, then builds the graph (the builder's
    /// memory is drained into it). <paramref name="beforeBuild"/> sees the builder with its final names.
    /// A type neither the walk nor the target can name makes the walk incomplete: the result's problem.
    /// </summary>
    public static BuiltSnapshot Build(HeapWalkParser parser, DotNetProcess target, long streamBytes,
        Action<HeapGraphBuilder>? beforeBuild = null, IProgress<CaptureProgress>? progress = null)
    {
        var builder = parser.Builder;
        // The target is read (ClrMD) for names while the graph's references are resolved: one waits on the
        // target's memory, the other on ours, and a capture has two cores to give them. Names and runtime
        // types are kept apart from the graph, so building it first changes nothing they see.
        var slots = builder.StaticSlots;
        var types = builder.RuntimeTypes;
        var reading = Task.Run(() => TargetInspection.Read(target.Id, slots, types), CancellationToken.None);
        try
        {
            builder.BuildGraph();
        }
        finally
        {
            // Never leave the read running against the target when the build fails.
            ((Task)reading).ContinueWith(_ => { }, TaskScheduler.Default).Wait();
        }
        var inspection = reading.GetAwaiter().GetResult();
        builder.NameStaticSlots(inspection.StaticFields);
        foreach (var (runtimeTypeId, fullName) in inspection.TypeNames)
            builder.SetTypeName(runtimeTypeId, fullName);
        if (builder.UnnamedTypeCount is > 0 and var unnamed)
            return new BuiltSnapshot(null, WithForeignWalk(UnnamedTypesProblem(unnamed, target.Id), parser, target.Id));
        progress?.Report(new CaptureProgress(CaptureStage.NamesResolved, streamBytes, builder.NodeCount));
        beforeBuild?.Invoke(builder);
        var metadata = new SnapshotMetadata
        {
            ProcessId = target.Id,
            ProcessName = target.Name,
            CommandLine = target.CommandLine,
            RuntimeVersion = ProcessLocator.RuntimeVersionOf(target.Id),
            CaptureTime = new DateTimeOffset(parser.GcStartTime.ToUniversalTime(), TimeSpan.Zero),
            GcPauseMilliseconds = double.IsNaN(parser.PauseMilliseconds) ? parser.GcDurationMilliseconds : parser.PauseMilliseconds,
            GcNumber = parser.GcNumber,
            StreamBytes = streamBytes,
        };
        var snapshot = builder.Build(metadata);
        progress?.Report(new CaptureProgress(CaptureStage.Built, streamBytes, snapshot.NodeCount));
        return new BuiltSnapshot(snapshot, null);
    }
}

/// <summary>The snapshot a walk became, or why it could not become one.</summary>
internal readonly record struct BuiltSnapshot(HeapSnapshot? Snapshot, string? Problem);
