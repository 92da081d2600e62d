using Xunit;
using HeapLens.Collection;
using HeapLens.Formats.Pprof;
using HeapLens.Profiles;

namespace HeapLens.Tests.Profiles;

/// <summary>
/// `heaplens allocs --from` on traces recorded with the real dotnet-trace tool (see Data/README.md
/// for how, and for what the target allocated: 102,400 byte[1000] = 104,865,816 bytes and
/// 4,369,067 objects = 104,857,608 bytes).
/// </summary>
public sealed class TraceImportTests : IDisposable
{
    private const long Arrays = 102_400, ArrayBytes = 104_865_816, Objects = 4_369_067, ObjectBytes = 104_857_608;
    private readonly string _directory = Directory.CreateTempSubdirectory("heaplens-import-").FullName;

    private static string Trace(string name) => Path.Combine(AppContext.BaseDirectory, "Profiles", "Data", name);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_dotnet_trace_recording_of_AllocationSampled_becomes_an_unbiased_profile()
    {
        var conversion = AllocationTraceConverter.Convert(Trace("mix-sampled.nettrace"));
        Assert.Equal(AllocationEventKind.AllocationSampled, conversion.Source);
        Assert.False(conversion.IsBiased);
        Assert.Equal(0, conversion.EventsLost);
        // ~100 MB per method: ~1,000 samples each, a standard error of ~3%; the recording is fixed data.
        AssertMethod(conversion.Profile, "AllocTarget.Allocators.AllocateArrays", Arrays, ArrayBytes, 0.05);
        AssertMethod(conversion.Profile, "AllocTarget.Allocators.AllocateObjects", Objects, ObjectBytes, 0.05);
    }

    [Fact]
    public void An_AllocationTick_recording_is_used_and_flagged_as_biased()
    {
        var conversion = AllocationTraceConverter.Convert(Trace("mix-tick.nettrace"));
        Assert.Equal(AllocationEventKind.AllocationTick, conversion.Source);
        Assert.True(conversion.IsBiased);
        Assert.Contains(AllocationTraceConverter.BiasedComment, conversion.Profile.Comments);
        Assert.Equal(102400, conversion.Profile.Period);
        // Ticks are biased in general; on this steady pattern they still land near the truth.
        AssertMethod(conversion.Profile, "AllocTarget.Allocators.AllocateArrays", Arrays, ArrayBytes, 0.10);
        AssertMethod(conversion.Profile, "AllocTarget.Allocators.AllocateObjects", Objects, ObjectBytes, 0.10);
    }

    [Fact]
    public void The_cli_imports_a_trace_and_says_when_it_is_biased()
    {
        string output = Path.Combine(_directory, "tick.pb.gz");
        var (exit, stdout, stderr) = ChildProcess.RunHeapLens("allocs", "--from", Trace("mix-tick.nettrace"), "-o", output);
        Assert.True(exit == 0, stderr);
        Assert.Contains("GCAllocationTick, which is biased", stdout);
        // The file holds what the conversion of that trace gives, value for value.
        var expected = AllocationTraceConverter.Convert(Trace("mix-tick.nettrace")).Profile;
        var written = PprofFile.Load(output);
        Assert.Equal(expected.Samples.Count, written.Samples.Count);
        Assert.Equal(expected.Samples.Sum(s => s.Values[0]), written.Samples.Sum(s => s.Values[0]));
        Assert.Equal(expected.Samples.Sum(s => s.Values[1]), written.Samples.Sum(s => s.Values[1]));

        output = Path.Combine(_directory, "sampled.pb.gz");
        (exit, stdout, stderr) = ChildProcess.RunHeapLens("allocs", "--from", Trace("mix-sampled.nettrace"), "-o", output);
        Assert.True(exit == 0, stderr);
        Assert.DoesNotContain("biased", stdout);
        Assert.Contains("AllocTarget.Allocators.AllocateObjects", GoPprof.Run("-top", "-nodefraction=0", output));
    }

    [Fact]
    public void A_trace_cut_before_its_rundown_still_gives_the_samples_and_says_so()
    {
        byte[] bytes = File.ReadAllBytes(Trace("mix-sampled.nettrace"));
        string cut = Path.Combine(_directory, "cut.nettrace");
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);
        string output = Path.Combine(_directory, "cut.pb.gz");
        var (exit, stdout, stderr) = ChildProcess.RunHeapLens("allocs", "--from", cut, "-o", output);
        Assert.True(exit == 0, stderr);
        Assert.Contains("warning: the trace ends without rundown", stdout);
        var whole = AllocationTraceConverter.Convert(Trace("mix-sampled.nettrace"));
        Assert.True(whole.HasRundown);
        // Half the trace: the rundown at its end is large, so most or all of the samples are still there,
        // and never more than the whole trace's.
        long cutObjects = PprofFile.Load(output).Samples.Sum(s => s.Values[0]);
        Assert.InRange(cutObjects, 1, whole.Profile.Samples.Sum(s => s.Values[0]));
    }

    [Fact]
    public void The_cli_summary_in_json_matches_the_profile()
    {
        string output = Path.Combine(_directory, "sampled.pb.gz");
        var (exit, stdout, stderr) = ChildProcess.RunHeapLens("allocs", "--from", Trace("mix-sampled.nettrace"), "-o", output, "--format", "json");
        Assert.True(exit == 0, stderr);
        using var json = System.Text.Json.JsonDocument.Parse(stdout);
        var root = json.RootElement;
        var profile = PprofFile.Load(output);
        Assert.Equal("allocation-sampled", root.GetProperty("source").GetString());
        Assert.False(root.GetProperty("biased").GetBoolean());
        Assert.Equal(profile.Samples.Sum(s => s.Values[1]), root.GetProperty("estimatedBytes").GetInt64());
        Assert.Equal(profile.Samples.Sum(s => s.Values[0]), root.GetProperty("estimatedObjects").GetInt64());
        Assert.Equal(AllocationTraceConverter.Convert(Trace("mix-sampled.nettrace")).Samples, root.GetProperty("samples").GetInt64());
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("text")]
    [InlineData("truncated")]
    [InlineData("missing")]
    public void Bad_traces_fail_with_one_line_and_no_output_file(string kind)
    {
        string trace = Path.Combine(_directory, kind + ".nettrace");
        switch (kind)
        {
            case "empty": File.WriteAllBytes(trace, []); break;
            case "text": File.WriteAllText(trace, "hello, not a trace\n"); break;
            case "truncated":
                byte[] bytes = File.ReadAllBytes(Trace("mix-sampled.nettrace"));
                File.WriteAllBytes(trace, bytes[..200]);
                break;
        }
        string output = Path.Combine(_directory, kind + ".pb.gz");
        var (exit, stdout, stderr) = ChildProcess.RunHeapLens("allocs", "--from", trace, "-o", output);
        Assert.Equal(1, exit);
        Assert.StartsWith("heaplens: ", stderr);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.False(File.Exists(output));
        Assert.Equal(Directory.GetFiles(_directory).Where(f => f.EndsWith(".nettrace")).Count(), Directory.GetFiles(_directory).Length);
    }

    private static void AssertMethod(Profile profile, string method, long objects, long bytes, double tolerance)
    {
        var index = new ProfileIndex(profile);
        long estimatedObjects = FunctionTotals.Compute(index, "alloc_objects", byCum: true).Functions.Single(f => f.Name == method).Cum;
        long estimatedBytes = FunctionTotals.Compute(index, "alloc_space", byCum: true).Functions.Single(f => f.Name == method).Cum;
        Assert.InRange(estimatedObjects, objects * (1 - tolerance), objects * (1 + tolerance));
        Assert.InRange(estimatedBytes, bytes * (1 - tolerance), bytes * (1 + tolerance));
    }
}
