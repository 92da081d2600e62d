using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;

namespace HeapLens.Bench.InuseLayouts;

/// <summary>
/// The session layouts compared. "alloc" is what `heaplens allocs --no-inuse` opens, "inuse" what `heaplens allocs`
/// opened before the event filter, "inusefiltered" what it opens now (AllocationRecorder.Providers: keep its
/// event list in step with GcEventsSurvivorTrackingSkips); the others move or drop parts of inuse.
/// </summary>
internal static class Layouts
{
    private const string Runtime = "Microsoft-Windows-DotNETRuntime";
    private const long Gc = 0x1;
    private const long Symbols = 0x8 | 0x10 | 0x20000; // Loader | Jit | JittedMethodILToNativeMap
    private const long AllocationSampling = 0x80000000000;
    private const long Movement = 0x400000; // GCHeapSurvivalAndMovement

    // One provider per session: a second entry for the same provider in one session is ignored.
    private static EventPipeSessionConfiguration WithStacks(long keywords) =>
        new([new EventPipeProvider(Runtime, EventLevel.Verbose, keywords)], 256, requestRundown: true, requestStackwalk: true);

    private static EventPipeSessionConfiguration Stackless(long keywords, EventLevel level) =>
        new([new EventPipeProvider(Runtime, level, keywords)], 256, requestRundown: false, requestStackwalk: false);

    // The GC keyword's events that survivor tracking does not read (it needs GCStart 1 and GCEnd 2; the movement
    // keyword's 21, 22, 23): suspension and restart, heap stats, histories, mark times, committed usage, pins, fit
    // buckets, finalizer events. A provider's event filter (CollectTracing5, .NET 10) drops them in the runtime.
    private static readonly int[] GcEventsNotRead = [3, 4, 7, 8, 9, 13, 14, 29, 33, 35, 39, 202, 203, 204, 205, 209];

    private static EventPipeSessionConfiguration WithStacksExcept(long keywords, int[] eventIds) =>
        new([new EventPipeProvider(Runtime, EventLevel.Verbose, keywords, null,
            new EventPipeProviderEventFilter(enable: false, eventIds.Select(id => (uint)id).ToList()))], 256,
            requestRundown: true, requestStackwalk: true);

    public static readonly Dictionary<string, (string Name, EventPipeSessionConfiguration Configuration)[]> All = new()
    {
        ["alloc"] = [("main", WithStacks(Symbols | AllocationSampling))],
        ["inuse"] = [("main", WithStacks(Symbols | AllocationSampling | Gc | Movement))],
        // inuse with the GC events it does not read filtered out.
        ["inusefiltered"] = [("main", WithStacksExcept(Symbols | AllocationSampling | Gc | Movement, GcEventsNotRead))],
        // inuse without the movement keyword: what the GC keyword's events cost.
        ["gconly"] = [("main", WithStacks(Symbols | AllocationSampling | Gc))],
        // The GC and movement events in a second session that walks no stacks.
        ["split"] = [("main", WithStacks(Symbols | AllocationSampling)), ("move", Stackless(Gc | Movement, EventLevel.Verbose))],
        // The same at Informational: the movement events are Informational, some GC events Verbose.
        ["splitinfo"] = [("main", WithStacks(Symbols | AllocationSampling)), ("move", Stackless(Gc | Movement, EventLevel.Informational))],
        // The movement keyword alone in the second session: its own cost, without the GC keyword's events.
        ["splitmove"] = [("main", WithStacks(Symbols | AllocationSampling)), ("move", Stackless(Movement, EventLevel.Verbose))],
    };
}
