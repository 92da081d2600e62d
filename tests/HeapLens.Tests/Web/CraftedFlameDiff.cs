using HeapLens.Profiles;

namespace HeapLens.Tests.Web;

/// <summary>
/// Two allocation profiles whose differential flame graph is known by construction (also linked into the
/// browser tests). alloc_space, base → new, every frame called from App.Main (1,000 B itself in both):
/// App.Grow 10,000 → 40,000 (+30,000); App.Shrink 30,000 → 10,000 (-20,000); App.Gone 5,000 → none
/// (vanished, -5,000); App.Fresh none → 2,000 (new, +2,000). Objects are the bytes / 100.
/// </summary>
internal static class CraftedFlameDiff
{
    public static Profile Base() => Build(("App.Grow", 10_000), ("App.Shrink", 30_000), ("App.Gone", 5_000));

    public static Profile New() => Build(("App.Grow", 40_000), ("App.Shrink", 10_000), ("App.Fresh", 2_000));

    private static Profile Build(params (string Function, long Bytes)[] callees)
    {
        var builder = new AllocationProfileBuilder();
        ulong app = builder.Mapping("/app/App.dll", hasLineNumbers: true);
        ulong main = builder.Location(builder.Function("App.Main", "App.Main", "/src/Main.cs"), 10, app, 0x1000);
        builder.Add(builder.Stack([main]), "System.Byte[]", 100, 10, 1_000);
        ulong address = 0x2000;
        foreach (var (function, bytes) in callees)
        {
            ulong location = builder.Location(builder.Function(function, function, "/src/App.cs"), 20, app, address += 0x100);
            builder.Add(builder.Stack([location, main]), "System.Byte[]", 100, bytes / 100, bytes);
        }
        return builder.Build(1_700_000_000_000_000_000, 30_000_000_000, 102_400, ["crafted"]);
    }
}
