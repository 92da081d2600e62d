using Microsoft.Diagnostics.Symbols;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace HeapLens.Collection;

/// <summary>
/// Maps the return addresses of a stack to the source line of the call. Every frame of an allocation
/// stack is a return address: the instruction after a call. The JIT's IL-to-native map has an entry
/// at each statement start and one at each call's return address (IL offset of the call). When a
/// call ends a statement, both sit at the same native offset, and picking the statement start
/// names the wrong line (`var s = $"..."; var parts = s.Split(',');` would charge the string to the
/// Split line; TraceEvent's own lookup does that). Among entries at the same offset, the call's -
/// the smaller IL offset - is the right one.
/// The maps come from the trace's method load and IL-to-native map events (JIT and rundown), read
/// from the .nettrace itself: TraceEvent's ETLX conversion does not keep them.
/// </summary>
internal sealed class AllocationCallSites
{
    private readonly CodeRange[] _ranges;

    private AllocationCallSites(CodeRange[] ranges) => _ranges = ranges;

    /// <summary>A method's native code with its token and IL-to-native map (sorted by native offset).</summary>
    private sealed record CodeRange(ulong Start, int Size, int Token, int[] NativeOffsets, int[] IlOffsets);

    public static AllocationCallSites Collect(string tracePath)
    {
        // Events of one code version come in pairs on one thread, keyed by MethodID (a method's
        // versions - tiers, on-stack replacement - share it): a JIT load is followed by its map,
        // while rundown sends the map first and then the method (verified on .NET 10).
        var jitLoads = new Dictionary<(int Thread, long Method), MethodLoadUnloadVerboseTraceData>();
        var rundownMaps = new Dictionary<(int Thread, long Method), (int[] Native, int[] Il)>();
        var ranges = new Dictionary<ulong, CodeRange>();

        void Add(ulong start, int size, int token, (int[] Native, int[] Il) map) =>
            ranges.TryAdd(start, new CodeRange(start, size, token, map.Native, map.Il));

        using var source = new EventPipeEventSource(tracePath);
        var rundown = new ClrRundownTraceEventParser(source);
        source.Clr.MethodLoadVerbose += load => jitLoads[(load.ThreadID, load.MethodID)] = (MethodLoadUnloadVerboseTraceData)load.Clone();
        source.Clr.MethodILToNativeMap += map =>
        {
            if (jitLoads.Remove((map.ThreadID, map.MethodID), out var load))
                Add(load.MethodStartAddress, load.MethodSize, load.MethodToken, MapOf(map));
        };
        rundown.MethodILToNativeMapDCStart += map => rundownMaps[(map.ThreadID, map.MethodID)] = MapOf(map);
        rundown.MethodILToNativeMapDCStop += map => rundownMaps[(map.ThreadID, map.MethodID)] = MapOf(map);
        void OnRundownMethod(MethodLoadUnloadVerboseTraceData method)
        {
            if (rundownMaps.Remove((method.ThreadID, method.MethodID), out var map))
                Add(method.MethodStartAddress, method.MethodSize, method.MethodToken, map);
        }
        rundown.MethodDCStartVerbose += OnRundownMethod;
        rundown.MethodDCStopVerbose += OnRundownMethod;
        try
        {
            source.Process();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A truncated trace: the maps read so far are still right; lines are a bonus, not a reason to fail.
        }
        return new AllocationCallSites(ranges.Values.OrderBy(r => r.Start).ToArray());
    }

    /// <summary>
    /// The map's entries sorted by native offset (the runtime lists them in IL order), and at equal
    /// native offsets real IL offsets first, smallest first (prolog, epilog and "no mapping" are negative).
    /// </summary>
    private static (int[] Native, int[] Il) MapOf(MethodILToNativeMapTraceData data)
    {
        int count = data.CountOfMapEntries;
        var keys = new ulong[count];
        for (int i = 0; i < count; i++)
            keys[i] = ((ulong)(uint)data.NativeOffset(i) << 32) | (uint)data.ILOffset(i);
        Array.Sort(keys);
        var native = new int[count];
        var il = new int[count];
        for (int i = 0; i < count; i++)
        {
            native[i] = (int)(keys[i] >> 32);
            il[i] = (int)(uint)keys[i];
        }
        return (native, il);
    }

    /// <summary>The method token and IL offset of the call that returns to this address, or null.</summary>
    public (int Token, int IlOffset)? CallAt(ulong returnAddress)
    {
        ulong call = returnAddress;
        int low = 0, high = _ranges.Length - 1, found = -1;
        while (low <= high)
        {
            int middle = (low + high) >>> 1;
            if (_ranges[middle].Start <= call)
            {
                found = middle;
                low = middle + 1;
            }
            else
                high = middle - 1;
        }
        if (found < 0)
            return null;
        var range = _ranges[found];
        long offset = (long)(call - range.Start);
        if (offset >= range.Size)
            return null;
        // The last entry at or before the offset, then the first of the entries at that same offset.
        int entry = UpperBound(range.NativeOffsets, (int)offset) - 1;
        while (entry > 0 && range.NativeOffsets[entry - 1] == range.NativeOffsets[Math.Max(entry, 0)])
            entry--;
        // Prolog, epilog and unmapped code have negative IL offsets: use the statement before.
        while (entry >= 0 && range.IlOffsets[entry] < 0)
            entry--;
        return entry < 0 ? null : (range.Token, range.IlOffsets[entry]);
    }

    /// <summary>The index of the first element greater than the value.</summary>
    private static int UpperBound(int[] sorted, int value)
    {
        int low = 0, high = sorted.Length;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (sorted[middle] <= value)
                low = middle + 1;
            else
                high = middle;
        }
        return low;
    }

    /// <summary>Source file and line of a call, from the module's portable PDB; null when unknown.</summary>
    public static (string File, long Line)? Line(ManagedSymbolModule pdb, int token, int ilOffset)
    {
        var location = pdb.SourceLocationForManagedCode((uint)token, ilOffset);
        // 0xFEEFEE marks compiler-generated code that has no line of its own.
        if (location?.SourceFile is null || location.LineNumber <= 0 || location.LineNumber >= 0xFEEFEE)
            return null;
        return (location.SourceFile.BuildTimeFilePath ?? "", location.LineNumber);
    }
}
