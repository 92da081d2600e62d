using HeapLens.Profiles;
using Xunit;

namespace HeapLens.Tests.Profiles;

/// <summary>
/// Which source line each allocation sample is charged to (the innermost frame with a file), which
/// called method allocated for it, and in what order lines and allocations come, on a hand-made
/// profile whose every total is a sum of the values below.
/// </summary>
public sealed class HotLineAttributionTests
{
    private static Profile Mixed()
    {
        var made = new HandProfile("alloc_objects", "alloc_space");
        ulong Type(string name) => made.At(name);
        ulong concat = made.At("System.String.Concat"), runtime = made.At("Runtime.Helper");
        ulong format10 = made.At("Log.Format", "/src/log.cs", 10), format11 = made.At("Log.Format", "/src/log.cs", 11);
        ulong main = made.At("Program.Main", "/src/p.cs", 5), lambda = made.At("Program.<>c", "/src/p.cs", 0);
        made.Add([Type("System.String"), concat, format10, main], 2, 64);    // through a callee
        made.Add([Type("System.Int32"), format10, main], 1, 100);           // by the line itself
        made.Add([Type("System.String"), concat, format10, main], 1, 32);   // merges with the first
        made.Add([format11, main], 4, 40);                                  // no type leaf: type unknown
        made.Add([Type("Array"), format11, main], 1, 40);                   // ties with "?" on bytes
        made.Add([Type("System.Object"), runtime], 9, 900);                 // no frame with a file: no line
        made.Add([], 7, 700);                                               // no frame at all
        made.Add([Type("Closure"), lambda], 1, 8);                          // line 0 still counts
        made.Add([Type("System.Int16"), made.At("Program.Other", "/src/p.cs", 7)], 1, 8);
        made.Add([Type("System.Byte[]"), made.At("A.Run", "/src/a.cs", 3)], 4, 8);
        return made.Profile;
    }

    private static string Show(HotLine l) =>
        $"{l.File}:{l.Line} {l.Function} {l.Objects}/{l.Bytes} " +
        string.Join(" ", l.Allocations.Select(a => $"[{a.Type}{(a.Callee is null ? "" : " via " + a.Callee)} {a.Objects}/{a.Bytes}]"));

    [Fact]
    public void Each_sample_goes_to_its_innermost_line_with_a_file_hottest_bytes_first()
    {
        var lines = HotLines.Compute(Mixed(), bySpace: true);
        Assert.Equal(
        [
            "/src/log.cs:10 Log.Format 4/196 [System.Int32 1/100] [System.String via System.String.Concat 3/96]",
            "/src/log.cs:11 Log.Format 5/80 [? 4/40] [Array 1/40]",
            "/src/a.cs:3 A.Run 4/8 [System.Byte[] 4/8]",
            "/src/p.cs:0 Program.<>c 1/8 [Closure 1/8]",
            "/src/p.cs:7 Program.Other 1/8 [System.Int16 1/8]",
        ], lines.Select(Show));
        Assert.Equal((196L, 4L), (lines[0].Value(space: true), lines[0].Value(space: false)));
    }

    [Fact]
    public void By_objects_ties_go_by_file_then_line()
    {
        var lines = HotLines.Compute(Mixed(), bySpace: false);
        Assert.Equal(["/src/log.cs:11", "/src/a.cs:3", "/src/log.cs:10", "/src/p.cs:0", "/src/p.cs:7"], lines.Select(l => $"{l.File}:{l.Line}"));
    }

    [Fact]
    public void The_sample_types_may_come_in_any_order()
    {
        var made = new HandProfile("alloc_space", "alloc_objects");
        made.Add([made.At("T"), made.At("M", "/m.cs", 2)], 48, 3);
        Assert.Equal("/m.cs:2 M 3/48 [T 3/48]", Show(Assert.Single(HotLines.Compute(made.Profile, bySpace: true))));
    }

    [Theory]
    [InlineData("alloc_objects")]
    [InlineData("alloc_space")]
    public void A_profile_without_both_allocation_types_is_refused(string only)
    {
        var made = new HandProfile(only);
        made.Add([made.At("T"), made.At("M", "/m.cs", 2)], 1);
        var e = Assert.Throws<HeapLensException>(() => HotLines.Compute(made.Profile, bySpace: true));
        Assert.Equal("not an allocation profile: it has no alloc_objects and alloc_space sample types (record one with 'heaplens allocs')", e.Message);
    }

    [Fact]
    public void Without_a_line_the_error_says_whether_there_were_frames_at_all()
    {
        var empty = new HandProfile("alloc_objects", "alloc_space");
        empty.Add([], 1, 8);
        Assert.Equal("the profile has no samples", Assert.Throws<HeapLensException>(() => HotLines.Compute(empty.Profile, true)).Message);
        var noPdb = new HandProfile("alloc_objects", "alloc_space");
        noPdb.Add([], 1, 8);
        noPdb.Add([noPdb.At("T"), noPdb.At("Runtime.Helper")], 1, 8);
        Assert.StartsWith("the profile has no source lines: no portable PDB was found",
            Assert.Throws<HeapLensException>(() => HotLines.Compute(noPdb.Profile, true)).Message);
    }
}
