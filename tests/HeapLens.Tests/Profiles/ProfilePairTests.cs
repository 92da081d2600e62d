using HeapLens.Profiles;
using Xunit;

namespace HeapLens.Tests.Profiles;

/// <summary>The doubts a profile comparison states, one at a time, and when it refuses.</summary>
public sealed class ProfilePairTests
{
    private const string Runtime10 = "/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.1/System.Private.CoreLib.dll";

    /// <summary>A one-sample profile whose mappings are (file, build id) pairs, in order.</summary>
    private static Profile Made(long startNanos = 0, bool samples = true, params (string File, string BuildId)[] mappings)
    {
        var made = new HandProfile("space");
        foreach (var (file, buildId) in mappings)
            made.Mapping(file, buildId);
        if (samples)
            made.Add([made.At("F")], 1);
        made.Profile.TimeNanos = startNanos;
        return made.Profile;
    }

    private static IReadOnlyList<string> Warnings(Profile older, Profile newer) =>
        ProfilePair.Create("base.pb.gz", older, "new.pb.gz", newer, normalize: false).Warnings;

    [Fact]
    public void Another_build_of_the_same_program_is_named_with_both_build_ids()
    {
        Assert.Equal(["the profiles come from different builds of /app/A.dll (build ids b1, b2)"],
            Warnings(Made(mappings: ("/app/A.dll", "b1")), Made(mappings: ("/app/A.dll", "b2"))));
        Assert.Empty(Warnings(Made(mappings: ("/app/A.dll", "b1")), Made(mappings: ("/app/A.dll", "b1"))));
    }

    [Fact]
    public void What_one_side_does_not_know_is_no_difference()
    {
        Assert.Empty(Warnings(Made(mappings: ("/app/A.dll", "")), Made(mappings: ("/app/A.dll", "b2"))));
        Assert.Empty(Warnings(Made(mappings: ("/app/A.dll", "b1")), Made()));
        Assert.Empty(Warnings(Made(), Made(mappings: ("/app/A.dll", "b1"))));
        Assert.Empty(Warnings(Made(mappings: ("", "")), Made(mappings: ("/app/A.dll", ""))));
        Assert.Empty(Warnings(Made(), Made()));
        Assert.Empty(Warnings(Made(mappings: [("/app/A.dll", ""), (Runtime10, "")]), Made(mappings: ("/app/A.dll", ""))));
    }

    [Theory]
    [InlineData(20, 10, true)]
    [InlineData(10, 20, false)]
    [InlineData(0, 10, false)]
    [InlineData(10, 0, false)]
    public void A_new_profile_recorded_before_the_base_is_named(long baseStart, long newStart, bool warned)
    {
        var warnings = Warnings(Made(baseStart), Made(newStart));
        Assert.Equal(warned ? ["the new profile was recorded before the base one"] : [], warnings);
    }

    [Fact]
    public void A_side_without_samples_is_named_and_one_without_sample_types_refused()
    {
        Assert.Equal(["new.pb.gz has no samples"], Warnings(Made(), Made(samples: false)));
        var e = Assert.Throws<HeapLensException>(() => ProfilePair.Create("base.pb.gz", Made(), "new.pb.gz", new Profile(), false));
        Assert.Equal("new.pb.gz: the profile is empty (it has no sample types); there is nothing to compare", e.Message);
    }

    [Theory]
    [InlineData(0, 100, false)]      // an unknown duration is no difference
    [InlineData(100, 0, false)]
    [InlineData(95, 100, false)]     // exactly 5% of the longer: not more
    [InlineData(100, 95, false)]
    [InlineData(100, 101, false)]
    [InlineData(1000, 1052, false)]  // 52 < 5% of 1052 (52.6), though more than 5% of 1000
    [InlineData(100, 106, true)]
    [InlineData(106, 100, true)]
    public void Durations_differ_beyond_five_percent_of_the_longer(long a, long b, bool differ) =>
        Assert.Equal(differ, ProfilePair.DurationsDiffer(a, b));
}
