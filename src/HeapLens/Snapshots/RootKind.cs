namespace HeapLens.Snapshots;

/// <summary>What kind of GC root holds an object alive. Stored as a byte per root.</summary>
public enum RootKind : byte
{
    Other = 0,
    Stack = 1,
    StrongHandle = 2,
    PinnedHandle = 3,
    WeakHandle = 4,
    RefCountedHandle = 5,
    FinalizerQueue = 6,
    Static = 7,
    DependentHandle = 8,
    AsyncPinnedHandle = 9,
    SizedRefHandle = 10,
}

public static class RootKinds
{
    /// <summary>Weak roots do not keep anything alive: reachability analyses skip them.</summary>
    public static bool KeepsAlive(this RootKind kind) => kind != RootKind.WeakHandle;

    public static string Describe(this RootKind kind) => kind switch
    {
        RootKind.Stack => "stack",
        RootKind.StrongHandle => "strong handle",
        RootKind.PinnedHandle => "pinned handle",
        RootKind.WeakHandle => "weak handle",
        RootKind.RefCountedHandle => "ref-counted handle",
        RootKind.FinalizerQueue => "finalizer queue",
        RootKind.Static => "static",
        RootKind.DependentHandle => "dependent handle",
        RootKind.AsyncPinnedHandle => "async pinned handle",
        RootKind.SizedRefHandle => "sized-ref handle",
        _ => "other root",
    };
}
