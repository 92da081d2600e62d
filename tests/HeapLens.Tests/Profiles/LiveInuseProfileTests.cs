using Xunit;
using System.Text.Json;
using HeapLens.Formats.Pprof;
using HeapLens.Profiles;

namespace HeapLens.Tests.Profiles;

/// <summary>
/// inuse against a real target whose truth is known (<see cref="KeepCaptureFixture"/>): Keeper.Keep
/// keeps what it allocates, Keeper.Drop allocates ten times as much of the same type from another
/// stack and drops it. Only movement tracking tells them apart: at allocation they look the same.
/// </summary>
public sealed class LiveInuseProfileTests(KeepCaptureFixture capture) : IClassFixture<KeepCaptureFixture>
{
    private const string Keep = "AllocTarget.Keeper.Keep";
    private const string Drop = "AllocTarget.Keeper.Drop";
    private const double Tolerance = 0.15;

    private Profile Profile => PprofFile.Load(capture.ProfilePath);

    private IReadOnlyList<FunctionTotal> Cum(string sampleType) =>
        FunctionTotals.Compute(new ProfileIndex(Profile), sampleType, byCum: true).Functions;

    private static long Total(Profile profile, string sampleType)
    {
        int index = profile.SampleTypeIndex(sampleType);
        return profile.Samples.Sum(s => s.Values[index]);
    }

    [Fact]
    public void CtrlC_ends_the_window_and_the_profile_has_Go_s_four_sample_types()
    {
        Assert.True(capture.ExitCode == 0, $"exit {capture.ExitCode}: {capture.Error}");
        Assert.Contains("still alive after the full GC #", capture.Output);
        Assert.Equal([capture.ProfilePath], Directory.GetFiles(capture.Directory)); // the walk's stream is gone too
        var profile = Profile;
        Assert.Equal(["alloc_objects", "alloc_space", "inuse_objects", "inuse_space"], profile.SampleTypes.Select(t => t.Type));
        Assert.Equal("alloc_space", profile.DefaultSampleType);
        Assert.Contains(profile.Comments, c => c.StartsWith("inuse: sampled objects still alive after the full GC #", StringComparison.Ordinal));
    }

    [Fact]
    public void The_keeping_method_holds_at_least_97_percent_of_inuse_space()
    {
        long total = Total(Profile, "inuse_space");
        long keep = Cum("inuse_space").Single(f => f.Name == Keep).Cum;
        long drop = Cum("inuse_space").SingleOrDefault(f => f.Name == Drop)?.Cum ?? 0;
        Assert.True(keep >= 0.97 * total, $"{Keep} holds {keep:N0} of {total:N0} inuse bytes ({Drop}: {drop:N0})");
    }

    [Fact]
    public void The_kept_objects_are_estimated_within_15_percent_of_what_the_target_kept()
    {
        long objects = Cum("inuse_objects").Single(f => f.Name == Keep).Cum;
        AssertClose(capture.Kept, objects, "inuse_objects of " + Keep);
        long bytes = Cum("inuse_space").Single(f => f.Name == Keep).Cum;
        AssertClose(capture.KeptBytes, bytes, "inuse_space of " + Keep);
    }

    [Fact]
    public void Alloc_space_shows_the_true_ratio_of_dropping_to_keeping()
    {
        var space = Cum("alloc_space");
        double ratio = (double)space.Single(f => f.Name == Drop).Cum / space.Single(f => f.Name == Keep).Cum;
        double truth = (double)capture.DroppedBytes / capture.KeptBytes;
        Assert.True(Math.Abs(ratio - truth) <= Tolerance * truth, $"alloc_space {Drop}/{Keep} = {ratio:F2}, truth {truth:F2}");
    }

    [Fact]
    public void Go_pprof_reads_inuse_space_with_our_values()
    {
        string top = GoPprof.Run("-top", "-sample_index=inuse_space", "-unit=b", "-nodefraction=0", capture.ProfilePath);
        Assert.Contains("Type: inuse_space", top);
        var row = top.Split('\n').Single(l => l.TrimEnd().EndsWith(" " + Keep, StringComparison.Ordinal));
        Assert.Equal(Cum("inuse_space").Single(f => f.Name == Keep).Cum + "B", row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3]);
    }

    [Fact]
    public void Heaplens_top_traces_and_list_rank_by_inuse()
    {
        var (exit, output, error) = ChildProcess.RunHeapLens("top", capture.ProfilePath, "--sample", "inuse_space", "--cum", "--format", "json");
        Assert.True(exit == 0, error);
        Assert.Contains("\"inuse_space\"", output);

        (exit, output, error) = ChildProcess.RunHeapLens("traces", capture.ProfilePath, "--sample", "inuse_space", "-n", "1", "--format", "json");
        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var trace = json.RootElement.GetProperty("traces").EnumerateArray().Single();
        Assert.Equal(Keep, trace.GetProperty("frames")[1].GetProperty("function").GetString());

        (exit, output, error) = ChildProcess.RunHeapLens("list", capture.ProfilePath, "Keeper\\.Keep$");
        Assert.True(exit == 0, error);
        Assert.Contains("inuse_space", output);
        Assert.Contains("Kept.Add(new byte[ArrayLength]);", output);
    }

    private static void AssertClose(long expected, long actual, string what) =>
        Assert.True(Math.Abs(actual - expected) <= Tolerance * expected,
            $"{what}: estimated {actual:N0}, actual {expected:N0} ({(actual - expected) * 100.0 / expected:+0.0;-0.0}%)");
}
