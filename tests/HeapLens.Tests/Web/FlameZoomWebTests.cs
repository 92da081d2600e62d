using System.Net;
using System.Text.Json;
using HeapLens.Formats.Pprof;
using HeapLens.Security;
using HeapLens.Tests.Infrastructure;
using HeapLens.Web;
using Xunit;

namespace HeapLens.Tests.Web;

/// <summary>`heaplens web P.pb.gz` over real HTTP: zooming to a box asks for its sub-tree at its own scale.</summary>
public sealed class FlameZoomWebTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private readonly AccessToken _token = AccessToken.Generate();
    private WebServer _server = null!;

    public async Task InitializeAsync()
    {
        string path = _directory.File("zoom.pb.gz");
        PprofFile.Save(CraftedFlameZoom.Build(), path);
        _server = await WebServer.StartAsync(WebContent.OfProfile(path, PprofFile.Load(path)), new WebServerOptions(IPAddress.Loopback, 0, _token));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _directory.Dispose();
    }

    private async Task<HttpResponseMessage> Ask(string path)
    {
        using var client = new HttpClient { BaseAddress = _server.BaseUri };
        client.DefaultRequestHeaders.Authorization = new("Bearer", _token.Value);
        return await client.GetAsync(path);
    }

    private async Task<JsonElement> Get(string path)
    {
        var response = await Ask(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private static List<(string Name, int Parent, int Depth, long Value)> Boxes(JsonElement flame) =>
        flame.GetProperty("nodes").EnumerateArray().Select(n => (n.GetProperty("name").GetString()!, n.GetProperty("parent").GetInt32(),
            n.GetProperty("depth").GetInt32(), n.GetProperty("value").GetInt64())).ToList();

    [Fact]
    public async Task A_box_pruned_from_the_whole_graph_is_there_once_its_caller_is_zoomed_to()
    {
        var whole = await Get("/api/profile/flame?sample=alloc_space");
        Assert.Equal(CraftedFlameZoom.Total, whole.GetProperty("total").GetInt64());
        Assert.DoesNotContain(Boxes(whole), b => b.Name == "App.Tiny");
        // Tiny (400 B) is under 1/2000 of 1,000,000 B: the one box cut, with its type frame below it.
        Assert.Equal((CraftedFlameZoom.Tiny, 1), (whole.GetProperty("prunedValue").GetInt64(), whole.GetProperty("prunedNodes").GetInt32()));
        Assert.False(whole.TryGetProperty("focus", out _));

        var zoomed = await Get("/api/profile/flame?sample=alloc_space&frame=App.Main&frame=App.Mid");
        Assert.Equal(["App.Main", "App.Mid"], zoomed.GetProperty("focus").EnumerateArray().Select(f => f.GetString()));
        // The callers, the box, then its callees biggest first, each type frame under its function.
        Assert.Equal(
            [
                ("App.Main", -1, 0, CraftedFlameZoom.Total),
                ("App.Mid", 0, 1, CraftedFlameZoom.MidSelf + CraftedFlameZoom.Tiny),
                ("System.Byte[]", 1, 2, CraftedFlameZoom.MidSelf),
                ("App.Tiny", 1, 2, CraftedFlameZoom.Tiny),
                ("System.Byte[]", 3, 3, CraftedFlameZoom.Tiny),
            ],
            Boxes(zoomed));
        Assert.Equal((0L, 0), (zoomed.GetProperty("prunedValue").GetInt64(), zoomed.GetProperty("prunedNodes").GetInt32()));
        // The share stays what was asked, now of the zoomed box: 1/2000 of 10,000 B is 5 B.
        Assert.Equal(1.0 / 2000, zoomed.GetProperty("minShare").GetDouble());
    }

    [Fact]
    public async Task Zooming_to_a_narrow_box_prunes_at_its_own_scale()
    {
        // At a share of 1/20 of App.Mid (500 B), App.Tiny (400 B) is cut again.
        var zoomed = await Get("/api/profile/flame?sample=alloc_space&minShare=0.05&frame=App.Main&frame=App.Mid");
        Assert.DoesNotContain(Boxes(zoomed), b => b.Name == "App.Tiny");
        Assert.Equal((CraftedFlameZoom.Tiny, 1), (zoomed.GetProperty("prunedValue").GetInt64(), zoomed.GetProperty("prunedNodes").GetInt32()));
    }

    [Fact]
    public async Task A_call_path_the_profile_does_not_have_is_one_line_400()
    {
        var response = await Ask("/api/profile/flame?frame=App.Main&frame=App.Nope");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("the flame graph has no call path App.Main > App.Nope",
            JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
    }
}
