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
    /// <summary>Why the walk read cannot become a snapshot; null when it can.</summary>
    public static string? Problem(HeapWalkRead read, int processId)
    {
        var parser = read.Parser;
        var builder = parser.Builder;
        // Another session's walk of the same process can leave ours without type names: the
        // runtime names a type once, and it may have named it to the other session only.
        string? problem = read.EventsLost > 0 ? $"{read.EventsLost} events lost"
            : parser.SequenceProblem is { } sequence ? sequence
            : builder.UnnamedTypeCount > 0 ? $"{builder.UnnamedTypeCount:N0} types of the walk were never named: another tool (e.g. dotnet-gcdump) "
                                             + $"has a heap-walk session open on process {processId}, try again when it has finished"
            : builder.ReceivedEdgeCount != builder.ExpectedEdgeCount
                ? $"{builder.ReceivedEdgeCount:N0} of {builder.ExpectedEdgeCount:N0} references received"
            : !read.ReadToEnd ? "the event stream ended abruptly"
            : null;
        if (problem is not null && parser.ForeignWalkEvents > 0 && !problem.Contains("another tool", StringComparison.Ordinal))
            problem += $"; another tool (e.g. dotnet-gcdump) was walking the heap of process {processId} at the same time, try again when it has finished";
        return problem;
    }

    /// <summary>
    /// Names what the walk leaves unnamed from the live target, then builds the graph (the builder's
    /// memory is drained into it). <paramref name="beforeBuild"/> sees the builder with its final names.
    /// </summary>
    public static HeapSnapshot Build(HeapWalkParser parser, DotNetProcess target, long streamBytes,
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
        return snapshot;
    }
}
