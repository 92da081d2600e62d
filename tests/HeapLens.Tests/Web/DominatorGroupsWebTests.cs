using System.Net;
using System.Text.Json;
using HeapLens.Analysis;
using HeapLens.Formats.HeapSnap;
using HeapLens.Security;
using HeapLens.Tests.Infrastructure;
using HeapLens.Tests.Reports;
using HeapLens.Web;
using Xunit;

namespace HeapLens.Tests.Web;

/// <summary>
/// The dominator tree explorer's groups over HTTP: a node whose children are of a few types opens as one
/// row per type (count and retained bytes), and a group's members page 100 at a time.
/// </summary>
public sealed class DominatorGroupsWebTests : IAsyncLifetime
{
    // One static array holding 2,000 App.Small (32 B), 900 App.Holder (48 B, each holding a 100-byte
    // System.Byte[]) and 100 App.Big (1,000 B), interleaved as a real array's elements are.
    private const int Smalls = 2000, Holders = 900, Bigs = 100;

    private readonly TempDirectory _directory = new();
    private readonly AccessToken _token = AccessToken.Generate();
    private WebServer _server = null!;
    private int _array;

    public async Task InitializeAsync()
    {
        var heap = new SnapshotBuilder();
        string[] kinds = [.. Enumerable.Repeat("App.Small", Smalls), .. Enumerable.Repeat("App.Holder", Holders), .. Enumerable.Repeat("App.Big", Bigs)];
        new Random(7).Shuffle(kinds);
        var elements = kinds.Select(kind => kind switch
        {
            "App.Holder" => heap.Add(kind, 48, heap.Add("System.Byte[]", 100)),
            "App.Big" => heap.Add(kind, 1000),
            _ => heap.Add(kind, 32),
        }).ToArray();
        _array = heap.Add("App.Item[]", 24, elements);
        heap.Static(_array, "App.Registry.s_items");
        string file = _directory.File("groups.heapsnap");
        HeapSnapFile.Write(heap.Build(SnapshotBuilder.Metadata(ServiceHeap.BaseTime)), file);
        _server = await WebServer.StartAsync(WebContent.OfSnapshot(file, AnalyzedSnapshot.Analyze(HeapSnapFile.Read(file))),
            new WebServerOptions(IPAddress.Loopback, 0, _token));
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

    [Fact]
    public async Task A_node_with_thousands_of_children_opens_as_one_row_per_type_biggest_first()
    {
        var report = await Get($"/api/snapshot/groups?node={_array}");
        Assert.Equal(Smalls + Holders + Bigs, report.GetProperty("childCount").GetInt32());
        var groups = report.GetProperty("groups").EnumerateArray()
            .Select(g => (Type: g.GetProperty("type").GetString(), Count: g.GetProperty("count").GetInt32(),
                Retained: g.GetProperty("retainedBytes").GetInt64(), Shallow: g.GetProperty("shallowBytes").GetInt64()))
            .ToList();
        Assert.Equal(
        [
            ("App.Holder", Holders, Holders * (48L + 100), Holders * 48L),
            ("App.Big", Bigs, Bigs * 1000L, Bigs * 1000L),
            ("App.Small", Smalls, Smalls * 32L, Smalls * 32L),
        ], groups);
    }

    [Fact]
    public async Task A_group_pages_its_members_100_at_a_time_each_once_biggest_first()
    {
        var report = await Get($"/api/snapshot/groups?node={_array}");
        int holderType = report.GetProperty("groups").EnumerateArray().First(g => g.GetProperty("type").GetString() == "App.Holder")
            .GetProperty("typeIndex").GetInt32();
        var members = new List<(int Node, long Retained)>();
        int pages = 0;
        while (true)
        {
            var page = await Get($"/api/snapshot/children?node={_array}&type={holderType}&offset={members.Count}");
            Assert.Equal(Holders, page.GetProperty("childCount").GetInt32());
            var rows = page.GetProperty("children").EnumerateArray().ToList();
            if (rows.Count == 0)
                break;
            Assert.True(rows.Count <= 100);
            Assert.All(rows, r => Assert.Equal("App.Holder", r.GetProperty("type").GetString()));
            Assert.All(rows, r => Assert.Equal(1, r.GetProperty("childCount").GetInt32())); // its byte array
            members.AddRange(rows.Select(r => (r.GetProperty("node").GetInt32(), r.GetProperty("retainedBytes").GetInt64())));
            pages++;
        }
        Assert.Equal(9, pages);
        Assert.Equal(Holders, members.Select(m => m.Node).Distinct().Count());
        Assert.Equal(Holders * 148L, members.Sum(m => m.Retained));
    }

    [Fact]
    public async Task The_roots_level_keeps_a_static_as_its_own_row_with_its_object()
    {
        var report = await Get("/api/snapshot/groups");
        var row = Assert.Single(report.GetProperty("groups").EnumerateArray());
        Assert.Equal(1, row.GetProperty("count").GetInt32());
        var obj = row.GetProperty("object");
        Assert.Equal(_array, obj.GetProperty("node").GetInt32());
        Assert.Equal("static App.Registry.s_items", obj.GetProperty("root").GetString());
        Assert.Equal(Smalls + Holders + Bigs, obj.GetProperty("childCount").GetInt32());
    }

    [Theory]
    [InlineData("/api/snapshot/groups?node=99999999")]
    [InlineData("/api/snapshot/children?type=99999")]
    [InlineData("/api/snapshot/children?type=x")]
    public async Task Bad_requests_get_one_line_400(string path)
    {
        using var client = new HttpClient { BaseAddress = _server.BaseUri };
        client.DefaultRequestHeaders.Authorization = new("Bearer", _token.Value);
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
