namespace HeapLens.Snapshots;

/// <summary>
/// Where the sampled objects of a snapshot were allocated: the objects that an allocation window
/// before the snapshot sampled (AllocationSampled) and that are still alive in it, each with the call
/// stack that allocated it. Compact: the sampled nodes sorted ascending with one stack id each; each
/// distinct stack stored once (CSR over frame ids, leaf first); each frame once (function, file, line
/// as indices into one string table). No object per node.
/// </summary>
public sealed class AllocationSites
{
    public AllocationSites(AllocationWindow window, int[] nodes, int[] stackOf, int[] stackStart, int[] stackFrames,
        int[] frameFunction, int[] frameFile, int[] frameLine, string[] strings)
    {
        if (stackOf.Length != nodes.Length || stackStart.Length == 0 || stackStart[^1] != stackFrames.Length
            || frameFile.Length != frameFunction.Length || frameLine.Length != frameFunction.Length)
            throw new ArgumentException("Allocation site arrays disagree in length.");
        Window = window;
        Nodes = nodes;
        StackOf = stackOf;
        StackStart = stackStart;
        StackFrames = stackFrames;
        FrameFunction = frameFunction;
        FrameFile = frameFile;
        FrameLine = frameLine;
        Strings = strings;
    }

    public AllocationWindow Window { get; }

    /// <summary>The sampled objects still alive in the snapshot, as node indices, ascending.</summary>
    public int[] Nodes { get; }

    /// <summary>Per entry of <see cref="Nodes"/>: the stack that allocated it.</summary>
    public int[] StackOf { get; }

    /// <summary>The frames of stack s are StackFrames[StackStart[s] .. StackStart[s + 1]), leaf first.</summary>
    public int[] StackStart { get; }

    public int[] StackFrames { get; }

    /// <summary>Per frame: its function's name (an index into <see cref="Strings"/>).</summary>
    public int[] FrameFunction { get; }

    /// <summary>Per frame: its source file (an index into <see cref="Strings"/>), -1 when unknown.</summary>
    public int[] FrameFile { get; }

    /// <summary>Per frame: its source line, 0 when unknown.</summary>
    public int[] FrameLine { get; }

    public string[] Strings { get; }

    public int Count => Nodes.Length;

    public int StackCount => StackStart.Length - 1;

    public ReadOnlySpan<int> FramesOf(int stack) => StackFrames.AsSpan(StackStart[stack], StackStart[stack + 1] - StackStart[stack]);

    /// <summary>The stack that allocated <paramref name="node"/>, or -1 when it was not sampled.</summary>
    public int StackOfNode(int node)
    {
        int at = Array.BinarySearch(Nodes, node);
        return at >= 0 ? StackOf[at] : -1;
    }

    /// <summary>
    /// The frame that names where a stack allocated: the innermost one with a source line (the
    /// application's line that called into the runtime library, whose frames have no line), else the leaf.
    /// </summary>
    public int SiteFrame(int stack)
    {
        var frames = FramesOf(stack);
        foreach (int frame in frames)
            if (FrameLine[frame] > 0)
                return frame;
        return frames.IsEmpty ? -1 : frames[0];
    }

    public string FunctionOf(int frame) => Strings[FrameFunction[frame]];

    public string? FileOf(int frame) => FrameFile[frame] >= 0 ? Strings[FrameFile[frame]] : null;
}

/// <summary>
/// The allocation window that ended with the snapshot: how long it was, the sampling period its
/// weights assume, how many allocations it sampled, and how many of those were followed to the
/// snapshot's GC and found in it.
/// </summary>
/// <param name="Seconds">The window's length.</param>
/// <param name="SamplingPeriodBytes">The mean bytes between two samples (102,400 for .NET 10's AllocationSampled).</param>
/// <param name="Samples">Allocations sampled in the window.</param>
/// <param name="Tracked">Sampled objects that the GCs' movement says were alive after the snapshot's GC.</param>
/// <param name="EventsLost">Events the allocation session lost (then some sampled objects may be missing).</param>
public sealed record AllocationWindow(double Seconds, long SamplingPeriodBytes, long Samples, long Tracked, long EventsLost);
