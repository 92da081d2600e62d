using HeapLens.Profiles;

namespace HeapLens.Tests.Web;

/// <summary>
/// An allocation profile with a box too narrow for the whole flame graph (also linked into the browser
/// tests). alloc_space, 1,000,000 B in all, every stack ending in its allocated type's frame (System.Byte[]):
/// App.Main > App.Big 985,000; App.Main > App.Mid 9,600; App.Main > App.Mid > App.Tiny 400; App.Main >
/// App.Narrow 5,000 (0.5 %: a few pixels wide in the whole graph, too narrow for a label). At the default
/// share (1/2000) the whole graph keeps boxes of 500 B or more: App.Tiny is left out. Zoomed to
/// App.Main > App.Mid (10,000 B), boxes of 5 B or more are kept: App.Tiny is there.
/// </summary>
internal static class CraftedFlameZoom
{
    public const long Total = 1_000_000, Big = 985_000, MidSelf = 9_600, Tiny = 400, Narrow = 5_000;

    public static Profile Build()
    {
        var builder = new AllocationProfileBuilder();
        ulong app = builder.Mapping("/app/App.dll", hasLineNumbers: true);
        ulong Frame(string name, long line, ulong address) => builder.Location(builder.Function(name, name, "/src/App.cs"), line, app, address);
        ulong main = Frame("App.Main", 10, 0x1000), big = Frame("App.Big", 20, 0x2000), mid = Frame("App.Mid", 30, 0x3000), tiny = Frame("App.Tiny", 40, 0x4000);
        ulong narrow = Frame("App.Narrow", 50, 0x5000);
        builder.Add(builder.Stack([big, main]), "System.Byte[]", 100, Big / 100, Big);
        builder.Add(builder.Stack([mid, main]), "System.Byte[]", 100, MidSelf / 100, MidSelf);
        builder.Add(builder.Stack([tiny, mid, main]), "System.Byte[]", 100, Tiny / 100, Tiny);
        builder.Add(builder.Stack([narrow, main]), "System.Byte[]", 100, Narrow / 100, Narrow);
        return builder.Build(1_700_000_000_000_000_000, 30_000_000_000, 102_400, ["crafted"]);
    }
}
