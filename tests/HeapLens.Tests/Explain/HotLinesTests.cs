using HeapLens.Profiles;
using HeapLens.Reports;
using Xunit;

namespace HeapLens.Tests.Explain;

/// <summary>The profile half of explain on built profiles: which line a sample goes to, the callee, --compare.</summary>
public sealed class HotLinesTests
{
    /// <summary>A profile: Main (Program.cs:5) calls Format (Log.cs:line) which calls string.Concat (no source) that allocates a string.</summary>
    private static Profile Build(params (long Line, string Type, bool InCallee, long Bytes)[] samples)
    {
        var builder = new AllocationProfileBuilder();
        ulong main = builder.Function("Program.Main", null, "/src/Program.cs");
        ulong format = builder.Function("Log.Format", null, "/src/Log.cs");
        ulong concat = builder.Function("System.String.Concat", null, null);
        foreach (var (line, type, inCallee, bytes) in samples)
        {
            var frames = new List<ulong>();
            if (inCallee)
                frames.Add(builder.Location(concat, 0, 0, 0x10));
            frames.Add(builder.Location(format, line, 0, 0x20));
            frames.Add(builder.Location(main, 5, 0, 0x30));
            builder.Add(builder.Stack([.. frames]), type, 32, bytes / 32.0, bytes);
        }
        return builder.Build(0, 1, 102400, []);
    }

    [Fact]
    public void A_sample_goes_to_the_innermost_line_with_source_and_names_the_callee()
    {
        var lines = HotLines.Compute(Build((10, "System.String", true, 3200), (11, "System.Int32", false, 6400)), bySpace: true);
        Assert.Equal([11L, 10L], lines.Select(l => l.Line));
        Assert.All(lines, l => Assert.Equal("/src/Log.cs", l.File));
        var concat = Assert.Single(lines[1].Allocations);
        Assert.Equal(("System.String", "System.String.Concat", 3200L), (concat.Type, concat.Callee, concat.Bytes));
        Assert.Null(Assert.Single(lines[0].Allocations).Callee);
    }

    [Fact]
    public void Compare_shows_each_line_before_and_after()
    {
        var before = Build((10, "System.String", true, 10_000), (11, "System.Int32", false, 5_000));
        var after = Build((10, "System.String", true, 500), (12, "System.Object", false, 100));
        var report = ExplainCompareReport.Create("before", before, "after", after, bySpace: true, count: 10);
        var byLine = report.Lines.ToDictionary(l => l.Line);
        Assert.Equal(-95.0, byLine[10].Change!.Value, 6);
        Assert.Equal(-100.0, byLine[11].Change!.Value, 6);
        Assert.Null(byLine[12].Change);
        Assert.Equal((15_000L, 600L), (report.BeforeTotal, report.AfterTotal));
    }

    [Fact]
    public void A_profile_that_is_not_an_allocation_profile_is_refused()
    {
        var profile = new Profile();
        profile.SampleTypes.Add(new HeapLens.Profiles.ValueType("cpu", "nanoseconds"));
        var error = Assert.Throws<HeapLensException>(() => HotLines.Compute(profile, bySpace: true));
        Assert.Contains("not an allocation profile", error.Message);
    }
}
