using HeapLens.Snapshots;
using Microsoft.Diagnostics.Tracing;

namespace HeapLens.Collection.Nettrace;

/// <summary>Which reader turns a heap walk's event stream into a graph.</summary>
public enum HeapWalkReader
{
    /// <summary><see cref="HeapWalkStreamReader"/>, with TraceEvent for streams it does not know.</summary>
    Fast,
    /// <summary>TraceEvent's EventPipeEventSource only: the reference.</summary>
    TraceEvent,
}

/// <summary>A heap walk read from a stream: the walk's tracker (its builder holds the graph) and what the reader saw.</summary>
/// <param name="StreamProblem">Why the stream was not read to its end (truncated, corrupt); null when it was.</param>
internal sealed record HeapWalkRead(HeapWalkParser Parser, int EventsLost, bool ReadToEnd, HeapWalkReader UsedReader, string? FallbackReason,
    string? StreamProblem = null);

/// <summary>
/// Reads a recorded heap-walk stream (a raw EventPipe session, .nettrace) with the fast reader, falling back to
/// TraceEvent for a stream the fast reader does not know. A truncated or corrupt stream is refused
/// (<see cref="CorruptNettraceException"/>) by the fast reader, and by TraceEvent's reading when it gets to read it.
/// </summary>
internal static class HeapWalkReading
{
    /// <param name="open">Opens the stream from its start; called a second time for a fallback.</param>
    /// <param name="onParser">Told of each tracker as reading starts, for progress and early completion.</param>
    /// <param name="onStopper">
    /// Told how to stop the reading that is going on (from another thread). A stopped reading is not a cut stream: a
    /// stream that then ends inside a block (its follower was stopped too) is no problem of the stream's.
    /// </param>
    public static HeapWalkRead Read(Func<Stream> open, HeapWalkReader reader, Action<HeapWalkParser>? onParser = null,
        Action<Action>? onStopper = null, bool refuseTruncated = true)
    {
        string? fallbackReason = null;
        if (reader == HeapWalkReader.Fast)
        {
            var builder = new HeapGraphBuilder();
            try
            {
                var parser = new HeapWalkParser(builder);
                onParser?.Invoke(parser);
                using var stream = open();
                var fast = new HeapWalkStreamReader(stream, parser);
                bool stopped = false;
                onStopper?.Invoke(() =>
                {
                    Volatile.Write(ref stopped, true);
                    fast.Stop();
                });
                string? problem = null;
                try
                {
                    fast.Read();
                }
                catch (CorruptNettraceException) when (Volatile.Read(ref stopped))
                {
                }
                catch (CorruptNettraceException e) when (!refuseTruncated)
                {
                    problem = e.Message;
                }
                return new HeapWalkRead(parser, fast.EventsLost, problem is null, HeapWalkReader.Fast, null, problem);
            }
            catch (UnsupportedNettraceException e)
            {
                builder.Dispose();
                fallbackReason = e.Message;
            }
            catch
            {
                builder.Dispose();
                throw;
            }
        }

        var traceBuilder = new HeapGraphBuilder();
        try
        {
            using var stream = open();
            EventPipeEventSource source;
            try
            {
                source = new EventPipeEventSource(stream);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                if (!refuseTruncated)
                    return new HeapWalkRead(new HeapWalkParser(traceBuilder), 0, false, HeapWalkReader.TraceEvent, fallbackReason, e.Message);
                throw new CorruptNettraceException($"not a readable event stream ({e.Message.ReplaceLineEndings(" ")})");
            }
            using (source)
            {
                var parser = new HeapWalkParser(source, traceBuilder);
                onParser?.Invoke(parser);
                bool stopped = false;
                onStopper?.Invoke(() =>
                {
                    Volatile.Write(ref stopped, true);
                    source.StopProcessing();
                });
                string? problem = null;
                try
                {
                    source.Process();
                }
                catch (Exception e) when (e is not OutOfMemoryException and not HeapLensException && Volatile.Read(ref stopped))
                {
                }
                catch (Exception e) when (e is not OutOfMemoryException and not HeapLensException)
                {
                    problem = $"the event stream is truncated or corrupt ({e.Message.ReplaceLineEndings(" ")})";
                    if (refuseTruncated)
                        throw new CorruptNettraceException(problem);
                }
                return new HeapWalkRead(parser, source.EventsLost, problem is null, HeapWalkReader.TraceEvent, fallbackReason, problem);
            }
        }
        catch
        {
            traceBuilder.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A snapshot from a saved stream alone (no live target to name static fields or nested types): what
    /// both readers must agree on to the byte. Refuses a walk that is incomplete.
    /// </summary>
    public static HeapSnapshot ToSnapshot(string path, HeapWalkReader reader)
    {
        var read = Read(() => File.OpenRead(path), reader);
        using var builder = read.Parser.Builder;
        var parser = read.Parser;
        if (!parser.WalkComplete)
            throw new HeapLensException($"{path}: the stream holds no complete heap walk");
        if (read.EventsLost > 0)
            throw new HeapLensException($"{path}: {read.EventsLost} events of the walk were lost");
        if (builder.ReceivedEdgeCount != builder.ExpectedEdgeCount)
            throw new HeapLensException($"{path}: {builder.ReceivedEdgeCount:N0} of {builder.ExpectedEdgeCount:N0} references received");
        return builder.Build(new SnapshotMetadata
        {
            CaptureTime = new DateTimeOffset(parser.GcStartTime.ToUniversalTime(), TimeSpan.Zero),
            GcPauseMilliseconds = double.IsNaN(parser.PauseMilliseconds) ? parser.GcDurationMilliseconds : parser.PauseMilliseconds,
            GcNumber = parser.GcNumber,
            StreamBytes = new FileInfo(path).Length,
            HeapLensVersion = "",
        });
    }
}
