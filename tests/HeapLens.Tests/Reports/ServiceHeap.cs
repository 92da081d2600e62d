using HeapLens.Snapshots;

namespace HeapLens.Tests.Reports;

/// <summary>
/// A small service's heap, built in code so that every number in a report is known: a stable
/// product cache, a session list that grows, a linked list that grows, three buffers each held by
/// its own handle (a group suspect), a request on the stack and an object only a weak handle holds.
/// </summary>
internal static class ServiceHeap
{
    public const int Products = 50;
    public const int ProductBytes = 48;
    public const int PayloadBytes = 1000;
    public const int SessionBytes = 40;
    public const int SessionPayloadBytes = 600;
    public const int NodeBytes = 400;
    public const int Buffers = 3;
    public const int BufferPayloadBytes = 4000;

    public static readonly DateTimeOffset BaseTime = new(2026, 11, 25, 13, 0, 0, TimeSpan.Zero);

    /// <summary>The base snapshot: 10 sessions, 20 list nodes, a temporary on the stack.</summary>
    public static HeapSnapshot Before() => Build(sessions: 10, nodes: 20, BaseTime, stackType: "App.Temp");

    /// <summary>A minute later: 30 sessions, 40 list nodes, a report (a new type) on the stack.</summary>
    public static HeapSnapshot After() => Build(sessions: 30, nodes: 40, BaseTime.AddMinutes(1), stackType: "App.Report");

    public static HeapSnapshot Build(int sessions, int nodes, DateTimeOffset at, string stackType)
    {
        var heap = new SnapshotBuilder();

        var entries = heap.Add("Entry[System.Int32,App.Product][]", (uint)(24 + 24 * Products));
        for (int i = 0; i < Products; i++)
            heap.Reference(entries, heap.Add("App.Product", ProductBytes, heap.Add("System.Byte[]", PayloadBytes)));
        heap.Static(heap.Add("System.Collections.Generic.Dictionary`2[System.Int32,App.Product]", 80, entries), "App.Catalog.s_products");

        var array = heap.Add("App.Session[]", 24 + 8 * 32);
        for (int i = 0; i < sessions; i++)
            heap.Reference(array, heap.Add("App.Session", SessionBytes, heap.Add("System.Byte[]", SessionPayloadBytes)));
        heap.Static(heap.Add("System.Collections.Generic.List`1[App.Session]", 32, array), "App.Sessions.s_sessions");

        int next = -1;
        for (int i = 0; i < nodes; i++)
            next = next < 0 ? heap.Add("App.Node", NodeBytes) : heap.Add("App.Node", NodeBytes, next);
        heap.Static(heap.Add("App.LinkedList", 32, next), "App.Chain.s_list");

        heap.Root(heap.Add(stackType, 64, heap.Add("System.String", 100)), RootKind.Stack);
        for (int i = 0; i < Buffers; i++)
            heap.Root(heap.Add("App.Buffer", 24, heap.Add("System.Byte[]", BufferPayloadBytes)), RootKind.StrongHandle);
        heap.Root(heap.Add("App.Cached", 48), RootKind.WeakHandle);
        return heap.Build(SnapshotBuilder.Metadata(at));
    }
}
