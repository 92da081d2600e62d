using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using HeapLens.Analysis;
using HeapLens.Formats.HeapSnap;
using HeapLens.Security;
using HeapLens.Tests.Infrastructure;
using HeapLens.Tests.Reports;
using HeapLens.Web;
using Xunit;

namespace HeapLens.Tests.Web;

/// <summary>`heaplens web` over real HTTP (Kestrel on loopback): the token, the cookie, and the CLI's JSON.</summary>
public sealed class WebApiTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private readonly AccessToken _token = AccessToken.Generate();
    private WebServer _server = null!;
    private string _before = null!;
    private string _after = null!;

    public async Task InitializeAsync()
    {
        _before = _directory.File("before.heapsnap");
        _after = _directory.File("after.heapsnap");
        HeapSnapFile.Write(ServiceHeap.Before(), _before);
        HeapSnapFile.Write(ServiceHeap.After(), _after);
        var content = WebContent.OfDiff(_before, AnalyzedSnapshot.Analyze(HeapSnapFile.Read(_before)),
            _after, AnalyzedSnapshot.Analyze(HeapSnapFile.Read(_after)));
        _server = await WebServer.StartAsync(content, new WebServerOptions(IPAddress.Loopback, 0, _token));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _directory.Dispose();
    }

    private HttpClient Client(bool redirects = false) =>
        new(new HttpClientHandler { AllowAutoRedirect = redirects, UseCookies = false }) { BaseAddress = _server.BaseUri };

    [Theory]
    [InlineData("/")]
    [InlineData("/app.js")]
    [InlineData("/api/session")]
    [InlineData("/api/snapshot/top")]
    [InlineData("/api/diff/types")]
    public async Task Without_the_token_every_request_is_401(string path)
    {
        using var client = Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(path)).StatusCode);

        using var wrongBearer = new HttpRequestMessage(HttpMethod.Get, path);
        wrongBearer.Headers.Authorization = new("Bearer", AccessToken.Generate().Value);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(wrongBearer)).StatusCode);

        using var wrongCookie = new HttpRequestMessage(HttpMethod.Get, path);
        wrongCookie.Headers.Add("Cookie", $"{TokenGate.CookieName}={AccessToken.Generate().Value}");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(wrongCookie)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(path + "?token=" + AccessToken.Generate().Value)).StatusCode);
    }

    [Fact]
    public async Task The_printed_url_trades_the_token_for_an_http_only_strict_cookie()
    {
        Assert.Equal("127.0.0.1", _server.BaseUri.Host);
        using var client = Client();
        var first = await client.GetAsync(new Uri(_server.Url).PathAndQuery);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/", first.Headers.Location!.OriginalString); // the token leaves the address bar
        string cookie = Assert.Single(first.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        using var page = new HttpRequestMessage(HttpMethod.Get, "/");
        page.Headers.Add("Cookie", cookie.Split(';')[0]);
        var response = await client.SendAsync(page);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<script src=\"app.js\"", html);
        // No inline script, and the policy forbids any: a name that became markup still could not run.
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task Bearer_token_works_for_scripts()
    {
        using var client = Client();
        client.DefaultRequestHeaders.Authorization = new("Bearer", _token.Value);
        var session = JsonDocument.Parse(await client.GetStringAsync("/api/session")).RootElement;
        Assert.Equal("diff", session.GetProperty("kind").GetString());
    }

    [Theory]
    [InlineData("/api/snapshot/top?n=20", "top {after} -n 20")]
    [InlineData("/api/snapshot/top?by=retained&n=5", "top {after} --by retained -n 5")]
    [InlineData("/api/snapshot/suspects", "suspects {after}")]
    [InlineData("/api/snapshot/dominators?depth=3&minPercent=0.5", "dominators {after} --depth 3 --min-percent 0.5")]
    [InlineData("/api/snapshot/paths?type=App.Session&n=3", "paths {after} --type App.Session -n 3")]
    [InlineData("/api/diff/types?n=50", "diff {before} {after} --by type -n 50")]
    [InlineData("/api/diff/retainers", "diff {before} {after} --by retainer")]
    public async Task The_api_serves_the_json_the_cli_prints(string path, string command)
    {
        string[] arguments = [.. command.Replace("{before}", _before).Replace("{after}", _after).Split(' '), "--format", "json"];
        var cli = HeapLensCli.Run(arguments);
        Assert.True(cli.ExitCode == 0, cli.StandardError);
        using var client = Client();
        client.DefaultRequestHeaders.Authorization = new("Bearer", _token.Value);
        string served = await client.GetStringAsync(path);
        Assert.Equal(cli.StandardOutput.TrimEnd(), served.TrimEnd());
    }

    [Fact]
    public async Task Children_pages_cover_the_roots_children_once_biggest_first()
    {
        using var client = Client();
        client.DefaultRequestHeaders.Authorization = new("Bearer", _token.Value);
        var all = new List<long>();
        int offset = 0, total;
        do
        {
            var page = JsonDocument.Parse(await client.GetStringAsync($"/api/snapshot/children?offset={offset}&limit=2")).RootElement;
            total = page.GetProperty("childCount").GetInt32();
            var rows = page.GetProperty("children").EnumerateArray().ToList();
            all.AddRange(rows.Select(r => r.GetProperty("retainedBytes").GetInt64()));
            offset += rows.Count;
            if (rows.Count == 0)
                break;
        } while (offset < total);
        // ServiceHeap's strong roots: the catalog, the sessions, the chain, the stack object and three buffers.
        Assert.Equal(7, total);
        Assert.Equal(7, all.Count);
        Assert.Equal(all.OrderByDescending(b => b), all);
    }

    [Fact]
    public async Task The_retention_flame_graph_adds_up_to_the_reachable_heap()
    {
        using var client = Client();
        client.DefaultRequestHeaders.Authorization = new("Bearer", _token.Value);
        var after = AnalyzedSnapshot.Analyze(ServiceHeap.After());
        var graph = JsonDocument.Parse(await client.GetStringAsync("/api/snapshot/flame?sample=inuse_objects")).RootElement;
        Assert.Equal(after.Tree.ReachableCount, graph.GetProperty("total").GetInt64());
        var sessions = graph.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("name").GetString() == "static App.Sessions.s_sessions");
        Assert.Equal(62, sessions.GetProperty("value").GetInt64()); // the list, its array, 30 sessions, 30 payloads
        var bytes = JsonDocument.Parse(await client.GetStringAsync("/api/snapshot/flame")).RootElement;
        Assert.Equal(after.Tree.ReachableBytes, bytes.GetProperty("total").GetInt64());
    }

    [Theory]
    [InlineData("/api/snapshot/flame?sample=alloc_space")]
    [InlineData("/api/snapshot/children?node=99999999")]
    [InlineData("/api/snapshot/children?node=x")]
    [InlineData("/api/snapshot/children?limit=0")]
    [InlineData("/api/snapshot/paths?address=0x1")]
    [InlineData("/api/snapshot/paths?type=No.Such.Type")]
    [InlineData("/api/snapshot/top?by=nonsense")]
    public async Task Bad_requests_get_one_line_400(string path)
    {
        using var client = Client();
        client.DefaultRequestHeaders.Authorization = new("Bearer", _token.Value);
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        string error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()!;
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public async Task A_crafted_name_is_served_as_data_never_as_markup()
    {
        const string crafted = "<script>alert(1)</script>";
        var heap = new SnapshotBuilder();
        heap.Static(heap.Add(crafted, 64), "<img src=x onerror=alert(2)>.s_field");
        using var directory = new TempDirectory();
        string path = directory.File("crafted.heapsnap");
        HeapSnapFile.Write(heap.Build(SnapshotBuilder.Metadata(ServiceHeap.BaseTime)), path);
        var content = WebContent.OfSnapshot(path, AnalyzedSnapshot.Analyze(HeapSnapFile.Read(path)));
        await using var server = await WebServer.StartAsync(content, new WebServerOptions(IPAddress.Loopback, 0, _token));
        using var client = new HttpClient { BaseAddress = server.BaseUri };
        client.DefaultRequestHeaders.Authorization = new("Bearer", _token.Value);
        var response = await client.GetAsync("/api/snapshot/top");
        // JSON with nosniff: a browser never renders it as a page; the page itself only sets textContent.
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var top = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(crafted, top.GetProperty("types")[0].GetProperty("type").GetString());
        string script = await client.GetStringAsync("/app.js");
        Assert.DoesNotContain("innerHTML", script);
        Assert.DoesNotContain("insertAdjacentHTML", script);
        Assert.DoesNotContain("document.write", script);
    }

    [Fact]
    public async Task A_timeline_serves_the_trend_json_and_the_chart_the_cli_writes()
    {
        string timeline = Path.Combine(AppContext.BaseDirectory, "Monitoring", "testdata", "leak.timeline.jsonl");
        var cli = HeapLensCli.Run("trend", timeline, "--no-chart", "--format", "json");
        Assert.True(cli.ExitCode == 0, cli.StandardError);
        var web = HeapLensWeb.Start(timeline);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(web.Url) };
            client.DefaultRequestHeaders.Authorization = new("Bearer", web.Token);
            Assert.Equal(cli.StandardOutput.TrimEnd(), (await client.GetStringAsync("/api/timeline/trend")).TrimEnd());
            var chart = await client.GetAsync("/api/timeline/chart.svg");
            Assert.Equal("image/svg+xml", chart.Content.Headers.ContentType!.MediaType);
            string svg = await chart.Content.ReadAsStringAsync();
            Assert.StartsWith("<svg", svg);
            Assert.Contains("rising floor (leak)", svg);
        }
        finally
        {
            web.Process.Kill(entireProcessTree: true);
            web.Process.WaitForExit();
            web.Process.Dispose();
        }
    }

    [Fact]
    public void The_server_watches_no_files()
    {
        if (!OperatingSystem.IsLinux())
            return; // inotify is Linux's; the host's default watching is the same on every system
        var web = HeapLensWeb.Start(_after);
        try
        {
            // The host's default watches its content root (the tool's directory) and everything below for
            // settings files: one inotify instance with a watch per directory. The page is embedded: nothing to watch.
            var inotify = new DirectoryInfo($"/proc/{web.Process.Id}/fd").EnumerateFileSystemInfos()
                .Where(fd => fd.LinkTarget == "anon_inode:inotify").ToList();
            Assert.Empty(inotify);
        }
        finally
        {
            web.Process.Kill(entireProcessTree: true);
            web.Process.WaitForExit();
            web.Process.Dispose();
        }
    }

    [Fact]
    public void A_port_in_use_is_one_clear_line()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var result = HeapLensCli.Run("web", _after, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.StandardOutput);
        string line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"heaplens: port {port} on 127.0.0.1 is in use (choose another with --port, or leave it out for a free one)", line);
    }
}

/// <summary>The real `heaplens web FILE` as a child process, with the URL and token it printed.</summary>
internal sealed record HeapLensWeb(System.Diagnostics.Process Process, string Url, string Token)
{
    public static HeapLensWeb Start(string file)
    {
        var start = new System.Diagnostics.ProcessStartInfo(DotNet.HostPath) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "heaplens.dll"));
        start.ArgumentList.Add("web");
        start.ArgumentList.Add(file);
        var process = System.Diagnostics.Process.Start(start)!;
        string line = process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2)).GetAwaiter().GetResult()
            ?? throw new InvalidOperationException("heaplens web printed nothing: " + process.StandardError.ReadToEnd());
        var match = System.Text.RegularExpressions.Regex.Match(line, @"^Serving .+ at (http://127\.0\.0\.1:\d+/)\?token=(\S+)$");
        Assert.True(match.Success, line);
        return new HeapLensWeb(process, match.Groups[1].Value, match.Groups[2].Value);
    }
}
