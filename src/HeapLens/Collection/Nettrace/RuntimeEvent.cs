namespace HeapLens.Collection.Nettrace;

/// <summary>The runtime events a heap snapshot needs; everything else in the stream is skipped unread.</summary>
internal enum RuntimeEvent : byte
{
    Other = 0,
    GcStart,
    GcStop,
    RestartEnd,
    SuspendStart,
    BulkType,
    BulkRootEdge,
    BulkRootDependentHandle,
    BulkNode,
    BulkEdge,
    BulkRootStaticVar,
}

internal static class RuntimeEvents
{
    /// <summary>"Microsoft-Windows-DotNETRuntime" as the metadata spells it (UTF-16, little endian).</summary>
    public static ReadOnlySpan<byte> ProviderName => "M\0i\0c\0r\0o\0s\0o\0f\0t\0-\0W\0i\0n\0d\0o\0w\0s\0-\0D\0o\0t\0N\0E\0T\0R\0u\0n\0t\0i\0m\0e\0"u8;

    /// <summary>The event ids of ClrEtwAll.man (the runtime's event manifest).</summary>
    public static RuntimeEvent Of(int eventId) => eventId switch
    {
        1 => RuntimeEvent.GcStart,
        2 => RuntimeEvent.GcStop,
        3 => RuntimeEvent.RestartEnd,
        9 => RuntimeEvent.SuspendStart,
        15 => RuntimeEvent.BulkType,
        16 => RuntimeEvent.BulkRootEdge,
        17 => RuntimeEvent.BulkRootDependentHandle,
        18 => RuntimeEvent.BulkNode,
        19 => RuntimeEvent.BulkEdge,
        38 => RuntimeEvent.BulkRootStaticVar,
        _ => RuntimeEvent.Other,
    };
}
