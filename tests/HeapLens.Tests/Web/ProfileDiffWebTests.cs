using System.Net;
using System.Text.Json;
using HeapLens.Formats.Pprof;
using HeapLens.Profiles;
using HeapLens.Security;
using HeapLens.Tests.Infrastructure;
using HeapLens.Tests.Profiles;
using HeapLens.Web;
using Xunit;

namespace HeapLens.Tests.Web;

/// <summary>`heaplens web A.pb.gz B.pb.gz` over real HTTP: the differential flame graph and the signed top.</summary>
public sealed class ProfileDiffWebTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private readonly AccessToken _token = AccessToken.Generate();
    private WebServer _server = null!;
    private string _base = null!;
    private string _new = null!;

    public async Task InitializeAsync()
    {
        _base = _directory.File("base.pb.gz");
        _new = _directory.File("new.pb.gz");
        PprofFile.Save(CraftedFlameDiff.Base(), _base);
        PprofFile.Save(CraftedFlameDiff.New(), _new);
        var pair = ProfilePair.Create(_base, PprofFile.Load(_base), _new, PprofFile.Load(_new), normalize: false);
        _server = await WebServer.StartAsync(WebContent.OfProfileDiff(pair), new WebServerOptions(IPAddress.Loopback, 0, _token));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _directory.Dispose();
    }

    private async Task<JsonElement> Get(string path)
    {
        using var client = new HttpClient { BaseAddress = _server.BaseUri };
        client.DefaultRequestHeaders.Authorization = new("Bearer", _token.Value);
        return JsonDocument.Parse(await client.GetStringAsync(path)).RootElement;
    }

    private static Dictionary<string, (long Base, long New, long Change, JsonElement Node)> Frames(JsonElement flame) =>
        // HeapLens profiles end each stack in a frame of the allocated type: the functions are the App.* frames.
        flame.GetProperty("nodes").EnumerateArray().Where(n => n.GetProperty("name").GetString()!.StartsWith("App.", StringComparison.Ordinal)).ToDictionary(n => n.GetProperty("name").GetString()!,
            n => (n.GetProperty("baseValue").GetInt64(), n.GetProperty("value").GetInt64(), n.GetProperty("change").GetInt64(), n));

    [Fact]
    public async Task The_session_is_a_profile_diff_of_both_files()
    {
        var session = await Get("/api/session");
        Assert.Equal("profile-diff", session.GetProperty("kind").GetString());
        Assert.Equal([_base, _new], session.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task Each_frame_carries_its_base_its_new_value_and_the_signed_change()
    {
        var flame = await Get("/api/profile/flame?sample=alloc_space");
        Assert.Equal((46_000L, 53_000L), (flame.GetProperty("baseTotal").GetInt64(), flame.GetProperty("total").GetInt64()));
        Assert.Equal(_base, flame.GetProperty("baseFile").GetString());
        var frames = Frames(flame);
        Assert.Equal((46_000L, 53_000L, 7_000L), Take(frames["App.Main"]));
        Assert.Equal((10_000L, 40_000L, 30_000L), Take(frames["App.Grow"]));    // grew
        Assert.Equal((30_000L, 10_000L, -20_000L), Take(frames["App.Shrink"])); // shrank
        Assert.Equal((0L, 2_000L, 2_000L), Take(frames["App.Fresh"]));          // new
        Assert.Equal((5_000L, 0L, -5_000L), Take(frames["App.Gone"]));          // vanished
        // Callees follow their caller biggest first by the drawn width (base + new).
        Assert.Equal(["App.Main", "App.Grow", "App.Shrink", "App.Gone", "App.Fresh"], frames.Keys);

        // The sample-type switch: the same frames in objects.
        var objects = Frames(await Get("/api/profile/flame?sample=alloc_objects"));
        Assert.Equal((100L, 400L, 300L), Take(objects["App.Grow"]));
        Assert.Equal((50L, 0L, -50L), Take(objects["App.Gone"]));
    }

    [Fact]
    public async Task Top_shows_the_signed_change_per_function()
    {
        var top = await Get("/api/profile/top?sample=alloc_space&cum=1&n=20");
        Assert.Equal(_base, top.GetProperty("base").GetProperty("file").GetString());
        var cum = top.GetProperty("functions").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("cum").GetInt64());
        Assert.Equal(30_000, cum["App.Grow"]);
        Assert.Equal(-20_000, cum["App.Shrink"]);
        Assert.Equal(-5_000, cum["App.Gone"]);
        Assert.Equal(2_000, cum["App.Fresh"]);
        Assert.Equal(7_000, cum["App.Main"]);
    }

    [Fact]
    public void Profiles_of_different_sample_types_are_refused_in_one_line()
    {
        string cpu = _directory.File("cpu.pb.gz");
        PprofFile.Save(CraftedDiffProfiles.GoCpu(), cpu);
        var cli = HeapLensCli.Run("web", _base, cpu);
        Assert.Equal(1, cli.ExitCode);
        string error = Assert.Single(cli.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("they measure different things", error);
        Assert.Empty(cli.StandardOutput);
    }

    [Fact]
    public void Normalize_without_two_profiles_is_refused_in_one_line()
    {
        var cli = HeapLensCli.Run("web", _base, "--normalize");
        Assert.Equal(1, cli.ExitCode);
        string error = Assert.Single(cli.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--normalize compares two profiles", error);
        Assert.Empty(cli.StandardOutput);
    }

    private static (long, long, long) Take((long Base, long New, long Change, JsonElement _) f) => (f.Base, f.New, f.Change);
}
