using HeapLens.Formats.HeapSnap;
using HeapLens.Snapshots;

namespace HeapLens.BrowserTests;

/// <summary>A snapshot whose type and root names are markup: what a hostile file could hold.</summary>
internal static class CraftedSnapshot
{
    public const string ScriptType = "<script>window.__pwned = 1</script>";
    public const string ImageType = "<img src=x onerror=\"window.__pwned = 2\">";
    public const string RootName = "<b onmouseover=window.__pwned=3>Evil</b>.s_field";

    public static void Write(string path)
    {
        // Node 0 (ScriptType) is held by a static and holds node 1 (ImageType).
        var roots = new HeapRoots([0], [RootKind.Static], [0], [RootName]);
        var snapshot = new HeapSnapshot(
            new SnapshotMetadata
            {
                ProcessId = 4242, ProcessName = "<i>App</i>", CommandLine = "x", RuntimeVersion = "10.0.0",
                CaptureTime = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), HeapLensVersion = "1.0.0.0",
            },
            [ScriptType, ImageType], [0x7f0000001000UL, 0x7f0000002000UL], [64u, 4000u], null, [0, 1], [0, 1, 1], [1], roots);
        HeapSnapFile.Write(snapshot, path);
    }
}
