using System.Net;
using System.Text.Json;
using HeapLens.Analysis;
using HeapLens.Formats.HeapSnap;
using HeapLens.Security;
using HeapLens.Tests.Hostile;
using HeapLens.Tests.Infrastructure;
using HeapLens.Web;
using Xunit;

namespace HeapLens.Tests.Web;

/// <summary>A snapshot with allocation sites: the web API serves the same `allocatedAt` the CLI prints.</summary>
public sealed class AllocationSitesWebTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private readonly AccessToken _token = AccessToken.Generate();
    private WebServer _server = null!;
    private string _path = null!;

    public async Task InitializeAsync()
    {
        _path = _directory.File("sites.heapsnap");
        HeapSnapFile.Write(SnapshotSections.WithSites(SnapshotSections.Small()), _path);
        _server = await WebServer.StartAsync(WebContent.OfSnapshot(_path, AnalyzedSnapshot.Analyze(HeapSnapFile.Read(_path))),
            new WebServerOptions(IPAddress.Loopback, 0, _token));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Paths_of_a_type_carry_where_its_instances_were_allocated()
    {
        var cli = HeapLensCli.Run("paths", _path, "--type", "App.Cache", "--format", "json");
        Assert.True(cli.ExitCode == 0, cli.StandardError);
        using var client = new HttpClient { BaseAddress = _server.BaseUri };
        client.DefaultRequestHeaders.Authorization = new("Bearer", _token.Value);
        string served = await client.GetStringAsync("/api/snapshot/paths?type=App.Cache");
        Assert.Equal(cli.StandardOutput.TrimEnd(), served.TrimEnd());
        var site = JsonDocument.Parse(served).RootElement.GetProperty("allocatedAt").GetProperty("sites")[0];
        Assert.Equal("App.Store.Add", site.GetProperty("function").GetString());
        Assert.Equal(12, site.GetProperty("line").GetInt32());
    }
}
