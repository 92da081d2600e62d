using System.Text.Json;
using HeapLens.Profiles;
using Xunit;

namespace HeapLens.Tests.Profiles;

/// <summary>
/// `heaplens diff` and `--base` on two real profiles of one process (<see cref="StepsCaptureFixture"/>):
/// the second workload, and only it, shows up, within the sampling error; and `go tool pprof -base`
/// reads the same changes from the same two files.
/// </summary>
public sealed class LiveProfileDiffTests(StepsCaptureFixture capture) : IClassFixture<StepsCaptureFixture>
{
    private const string Arrays = "AllocTarget.Allocators.AllocateArrays";
    private const string Objects = "AllocTarget.Allocators.AllocateObjects";
    private const double PeriodBytes = 102400;
    private const double Sigmas = 5;

    /// <summary>
    /// Five standard errors of the change of an estimate of <paramref name="baseBytes"/> and <paramref name="newBytes"/>
    /// allocated bytes: each estimate's variance is about bytes x 102,400 (a Bernoulli draw per byte,
    /// weighted by 1/p), and the two profiles' draws are independent.
    /// </summary>
    private static double Noise(long baseBytes, long newBytes) => Sigmas * Math.Sqrt((baseBytes + newBytes) * PeriodBytes);

    private double ArrayNoise => Noise(capture.BaseArrayBytes, capture.NewArrayBytes);

    private JsonElement Diff(params string[] options)
    {
        var (exit, output, error) = ChildProcess.RunHeapLens(["diff", capture.BasePath, capture.NewPath, "-n", "100000", "--format", "json", .. options]);
        Assert.True(exit == 0, error);
        return JsonDocument.Parse(output).RootElement;
    }

    private static Dictionary<string, JsonElement> RowsByName(JsonElement diff) =>
        diff.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);

    [Fact]
    public void By_function_only_the_second_workload_changes_beyond_the_sampling_error()
    {
        var rows = RowsByName(Diff("--by", "function", "--sample", "alloc_space"));
        var objects = rows[Objects];
        Assert.Equal("new", objects.GetProperty("status").GetString());
        AssertWithin(capture.ObjectBytes, objects.GetProperty("deltaCum").GetInt64(), Noise(0, capture.ObjectBytes), "Δcum of " + Objects);
        AssertWithin(0, rows[Arrays].GetProperty("deltaCum").GetInt64(), ArrayNoise, "Δcum of " + Arrays);
        Assert.Equal("changed", rows[Arrays].GetProperty("status").GetString());

        // What the second workload allocates is its leaf (flat): System.Object, and nothing else beyond the noise.
        var grownFlat = rows.Values.Where(r => Math.Abs(r.GetProperty("deltaFlat").GetInt64()) > ArrayNoise).Select(r => r.GetProperty("name").GetString()).ToList();
        Assert.Equal(["System.Object"], grownFlat);
        // Cum: the new method, its leaf and its callers (the target's Main and steps loop, shared with the first workload).
        var grownCum = rows.Values.Where(r => Math.Abs(r.GetProperty("deltaCum").GetInt64()) > ArrayNoise).Select(r => r.GetProperty("name").GetString()!).ToList();
        Assert.Contains(Objects, grownCum);
        Assert.All(grownCum, name => Assert.True(name is Objects or "System.Object" || name.StartsWith("Program.", StringComparison.Ordinal), name));
    }

    [Fact]
    public void By_line_only_the_line_of_the_second_workload_changes()
    {
        var rows = Diff("--by", "line").GetProperty("rows").EnumerateArray().ToList();
        var grown = rows.Where(r => Math.Abs(r.GetProperty("deltaFlat").GetInt64()) > ArrayNoise).ToList();
        var line = Assert.Single(grown);
        string file = line.GetProperty("file").GetString()!;
        Assert.EndsWith("Allocators.cs", file);
        string[] text = File.ReadAllLines(file);
        Assert.Contains("new object()", text[line.GetProperty("line").GetInt64() - 1]);
        AssertWithin(capture.ObjectBytes, line.GetProperty("deltaFlat").GetInt64(), Noise(0, capture.ObjectBytes), "Δflat of the new object() line");
        var arrays = rows.Single(r => r.TryGetProperty("file", out var f) && f.GetString() == file && text[r.GetProperty("line").GetInt64() - 1].Contains("new byte[1000]"));
        AssertWithin(0, arrays.GetProperty("deltaFlat").GetInt64(), ArrayNoise, "Δflat of the new byte[1000] line");
    }

    [Theory]
    [InlineData("alloc_space", false)]
    [InlineData("alloc_objects", false)]
    [InlineData("alloc_space", true)]
    public void Go_pprof_base_reads_the_same_changes(string sampleType, bool normalize)
    {
        string[] normalized = normalize ? ["--normalize"] : [];
        var ours = RowsByName(Diff(["--sample", sampleType, .. normalized]));
        var (exit, top, error) = ChildProcess.RunHeapLens(["top", capture.NewPath, "--base", capture.BasePath, "--sample", sampleType,
            "-n", "100000", "--format", "json", .. normalized]);
        Assert.True(exit == 0, error);
        var ourTop = JsonDocument.Parse(top).RootElement.GetProperty("functions").EnumerateArray()
            .ToDictionary(f => f.GetProperty("name").GetString()!);

        var theirs = PprofTop.Rows(GoPprof.Run([.. normalize ? ["-normalize"] : Array.Empty<string>(), "-top", "-base", capture.BasePath,
            $"-sample_index={sampleType}", "-unit=b", "-nodefraction=0", "-nodecount=100000", capture.NewPath]));
        Assert.Contains(theirs, r => r.Name == Objects);
        Assert.Contains(theirs, r => r.Name == "System.Object");
        foreach (var (name, flat, cum) in theirs)
        {
            Assert.Equal((flat, cum), (ours[name].GetProperty("deltaFlat").GetInt64(), ours[name].GetProperty("deltaCum").GetInt64()));
            Assert.Equal((flat, cum), (ourTop[name].GetProperty("flat").GetInt64(), ourTop[name].GetProperty("cum").GetInt64()));
        }
    }

    [Fact]
    public void List_and_traces_with_a_base_point_at_the_second_workload()
    {
        var (exit, output, error) = ChildProcess.RunHeapLens("traces", capture.NewPath, "--base", capture.BasePath, "-n", "1", "--format", "json");
        Assert.True(exit == 0, error);
        var trace = JsonDocument.Parse(output).RootElement.GetProperty("traces")[0];
        Assert.Equal("System.Object", trace.GetProperty("frames")[0].GetProperty("function").GetString());
        Assert.Equal(Objects, trace.GetProperty("frames")[1].GetProperty("function").GetString());

        (exit, output, error) = ChildProcess.RunHeapLens("list", capture.NewPath, "Allocators\\.Allocate", "--base", capture.BasePath);
        Assert.True(exit == 0, error);
        Assert.Contains("Base: a.pb.gz (values are new minus base)", output);
        Assert.Contains("ROUTINE ======================== " + Objects, output);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(output, @"\d+ MB .*\d+:\s+Sink\[count & 1023\] = new object\(\);"), output);
    }

    private static void AssertWithin(double expected, long actual, double tolerance, string what) =>
        Assert.True(Math.Abs(actual - expected) <= tolerance,
            $"{what}: {actual:N0}, expected {expected:N0} ± {tolerance:N0} (five standard errors)");
}
