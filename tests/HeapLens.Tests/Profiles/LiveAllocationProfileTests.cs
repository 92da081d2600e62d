using Xunit;
using System.Text.Json;
using System.Text.RegularExpressions;
using HeapLens.Formats.Pprof;
using HeapLens.Profiles;

namespace HeapLens.Tests.Profiles;

/// <summary>`heaplens allocs -p` against a real target with a known allocation mix.</summary>
public sealed class LiveAllocationProfileTests(MixCaptureFixture capture) : IClassFixture<MixCaptureFixture>
{
    private const string Arrays = "AllocTarget.Allocators.AllocateArrays";
    private const string Objects = "AllocTarget.Allocators.AllocateObjects";
    private const double Tolerance = 0.05;

    private Profile Profile => PprofFile.Load(capture.ProfilePath);

    [Fact]
    public void CtrlC_ends_the_capture_and_still_writes_the_profile()
    {
        Assert.True(capture.ExitCode == 0, $"exit {capture.ExitCode}: {capture.Error}");
        Assert.Contains("Wrote " + capture.ProfilePath, capture.Output);
        Assert.True(File.Exists(capture.ProfilePath));
        // No temporary file is left behind.
        Assert.Equal([capture.ProfilePath], Directory.GetFiles(capture.Directory));
    }

    [Fact]
    public void Each_method_is_estimated_within_5_percent_in_objects_and_bytes()
    {
        var index = new ProfileIndex(Profile);
        var space = FunctionTotals.Compute(index, AllocationProfileBuilder.SpaceType, byCum: true).Functions;
        var objects = FunctionTotals.Compute(index, AllocationProfileBuilder.ObjectsType, byCum: true).Functions;

        AssertClose(capture.ArrayBytes, space.Single(f => f.Name == Arrays).Cum, "bytes of " + Arrays);
        AssertClose(capture.Arrays, objects.Single(f => f.Name == Arrays).Cum, "objects of " + Arrays);
        AssertClose(capture.ObjectBytes, space.Single(f => f.Name == Objects).Cum, "bytes of " + Objects);
        AssertClose(capture.Objects, objects.Single(f => f.Name == Objects).Cum, "objects of " + Objects);
    }

    [Fact]
    public void The_allocated_type_is_the_leaf_frame_and_the_object_size_a_label()
    {
        var profile = Profile;
        var index = new ProfileIndex(profile);
        var frames = new List<Frame>();
        var arraySamples = profile.Samples.Where(s =>
        {
            index.Frames(s, frames);
            return frames.Count > 1 && frames[1].Name == Arrays;
        }).ToList();
        Assert.NotEmpty(arraySamples);
        foreach (var sample in arraySamples)
        {
            index.Frames(sample, frames);
            Assert.Equal("System.Byte[]", frames[0].Name);
            Assert.Equal(capture.ArrayBytes / capture.Arrays, sample.NumericLabel("bytes"));
        }
        var flat = FunctionTotals.Compute(index, AllocationProfileBuilder.ObjectsType, byCum: false).Functions;
        AssertClose(capture.Arrays, flat.Single(f => f.Name == "System.Byte[]").Flat, "System.Byte[] objects");
    }

    [Fact]
    public void Frames_resolve_to_the_source_line_that_allocates()
    {
        var profile = Profile;
        var function = profile.Functions.Single(f => f.Name == Arrays);
        Assert.EndsWith("Allocators.cs", function.FileName);
        long expectedLine = Array.FindIndex(File.ReadAllLines(function.FileName), l => l.Contains("new byte[1000]")) + 1;
        var lines = FunctionLines.Compute(new ProfileIndex(profile), new Regex("^" + Regex.Escape(Arrays) + "$")).Single();
        var heaviest = lines.Lines.MaxBy(l => l.Values[1])!;
        Assert.Equal(expectedLine, heaviest.Line);
    }

    [Fact]
    public void The_profile_has_pprof_metadata()
    {
        var profile = Profile;
        // Go's heap profile: its four sample types in its order; allocs ranks by alloc_space by default.
        Assert.Equal([new("alloc_objects", "count"), new("alloc_space", "bytes"), new("inuse_objects", "count"), new("inuse_space", "bytes")],
            profile.SampleTypes);
        Assert.Equal("alloc_space", profile.DefaultSampleType);
        Assert.Equal(new HeapLens.Profiles.ValueType("space", "bytes"), profile.PeriodType);
        Assert.Equal(102400, profile.Period);
        Assert.True(profile.DurationNanos > 0);
        var started = DateTimeOffset.FromUnixTimeMilliseconds(profile.TimeNanos / 1_000_000);
        Assert.InRange(started, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow);
    }

    [Fact]
    public void Go_pprof_top_reads_the_same_values()
    {
        // -unit=b: exact bytes, not "1.02GB"; -nodefraction=0: no dropped nodes.
        string top = GoPprof.Run("-top", "-sample_index=alloc_space", "-unit=b", "-nodefraction=0", capture.ProfilePath);
        var ours = FunctionTotals.Compute(new ProfileIndex(Profile), "alloc_space", byCum: true).Functions;
        foreach (string name in new[] { Arrays, Objects })
        {
            var row = top.Split('\n').Single(l => l.TrimEnd().EndsWith(" " + name, StringComparison.Ordinal));
            string[] columns = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(ours.Single(f => f.Name == name).Cum + "B", columns[3]);
        }
        Assert.Contains("Type: alloc_space", top);

        string objects = GoPprof.Run("-top", "-sample_index=alloc_objects", "-nodefraction=0", capture.ProfilePath);
        var byteArrays = objects.Split('\n').Single(l => l.TrimEnd().EndsWith(" System.Byte[]", StringComparison.Ordinal));
        AssertClose(capture.Arrays, long.Parse(byteArrays.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]), "pprof System.Byte[] flat");
    }

    [Fact]
    public void Go_pprof_traces_show_type_then_method_with_the_size_label()
    {
        string traces = GoPprof.Run("-traces", capture.ProfilePath);
        var blocks = traces.Split("-----------+").Select(b => b.Split('\n').Select(l => l.Trim()).ToList());
        var arrayBlocks = blocks.Where(lines =>
            lines.Zip(lines.Skip(1)).Any(pair => pair.First.EndsWith(" System.Byte[]", StringComparison.Ordinal) && pair.Second == Arrays))
            .ToList();
        Assert.NotEmpty(arrayBlocks);
        Assert.All(arrayBlocks, lines => Assert.Contains("bytes:  1kB", lines));
    }

    [Fact]
    public void Heaplens_traces_and_list_report_the_methods()
    {
        var (exit, output, error) = ChildProcess.RunHeapLens("traces", capture.ProfilePath, "-n", "2", "--format", "json");
        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var traces = json.RootElement.GetProperty("traces").EnumerateArray().ToList();
        Assert.Equal(2, traces.Count);
        var callers = traces.Select(t => t.GetProperty("frames")[1].GetProperty("function").GetString()).ToHashSet();
        Assert.Equal(new HashSet<string?> { Arrays, Objects }, callers);

        (exit, output, error) = ChildProcess.RunHeapLens("list", capture.ProfilePath, "Allocators\\.AllocateArrays");
        Assert.True(exit == 0, error);
        Assert.Contains("ROUTINE ======================== " + Arrays, output);
        Assert.Matches(@"\d+:\s+Sink\[count & 1023\] = new byte\[1000\];", output);
    }

    [Fact]
    public void Profile_top_ranks_types_flat_and_methods_cumulatively()
    {
        var flat = FunctionTotals.Compute(new ProfileIndex(Profile), "alloc_objects", byCum: false);
        Assert.Equal("System.Object", flat.Functions[0].Name);
        var cum = FunctionTotals.Compute(new ProfileIndex(Profile), "alloc_space", byCum: true);
        Assert.Equal(cum.Functions.Select(f => f.Cum).OrderDescending(), cum.Functions.Select(f => f.Cum));
        // Main's frame (and Mix's, which it calls) hold both methods' allocations: the top of the cum ranking.
        var main = cum.Functions.Take(2).Single(f => f.Name == "Program.<Main>$");
        Assert.InRange(main.Cum, (capture.ArrayBytes + capture.ObjectBytes) * 0.95, cum.Total);
        Assert.Contains(cum.Functions.Take(6), f => f.Name == Arrays);
    }

    private static void AssertClose(long expected, long actual, string what)
    {
        double error = Math.Abs(actual - expected) / (double)expected;
        Assert.True(error <= Tolerance, $"{what}: estimated {actual:N0}, actual {expected:N0} ({error:P1} off)");
    }
}
