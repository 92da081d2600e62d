using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Serve;

/// <summary>One agent for one real target: the answers to bad requests, as curl sees them.</summary>
public sealed class ServedTargetFixture : IDisposable
{
    internal TargetProcess Target { get; }
    internal RunningServer Server { get; }

    public ServedTargetFixture()
    {
        Target = TargetProcess.StartTestTarget();
        try
        {
            Server = RunningServer.Start("-p", Target.Id.ToString());
        }
        catch
        {
            Target.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Server.Dispose();
        Target.Dispose();
    }
}

public sealed class ServeErrorTests(ServedTargetFixture served) : IClassFixture<ServedTargetFixture>
{
    private RunningServer Server => served.Server;
    private int Pid => served.Target.Id;

    [Theory]
    [InlineData("/debug/pprof/")]
    [InlineData("/debug/pprof/allocs?seconds=1")]
    [InlineData("/debug/heaplens/snapshot")]
    [InlineData("/debug/heaplens/gc")]
    [InlineData("/metrics")]
    public void Every_route_refuses_a_request_without_the_token(string path)
    {
        var none = Curl.Get(Server.BaseUrl + path);
        var wrong = Curl.Get(Server.BaseUrl + path, "Authorization: Bearer " + new string('x', Server.Token!.Length));
        var wrongQuery = Curl.Get(Server.BaseUrl + path + (path.Contains('?') ? "&" : "?") + "token=" + Server.Token![..^1] + "y");
        foreach (var response in new[] { none, wrong, wrongQuery })
        {
            Assert.Equal(401, response.Status);
            Assert.Equal("1", response.Header("X-Go-Pprof"));
            Assert.Equal("Bearer", response.Header("WWW-Authenticate"));
            Assert.StartsWith("text/plain", response.Header("Content-Type"));
        }
    }

    [Fact]
    public void The_token_is_accepted_as_a_bearer_header_or_in_the_query()
    {
        var header = Curl.Get(Server.BaseUrl + "/debug/pprof/", "Authorization: Bearer " + Server.Token);
        var query = Curl.Get(Server.UrlWithToken("/debug/pprof/"));
        Assert.Equal(200, header.Status);
        Assert.Equal(200, query.Status);
        Assert.StartsWith("text/html", query.Header("Content-Type"));
        // The index lists the served process, and carries the token into its links (relative to the page).
        Assert.Contains($"<td>{Pid}</td>", query.Body);
        Assert.Contains($"href=\"allocs?pid={Pid}&amp;seconds=30&amp;token=", query.Body);
        Assert.Contains($"href=\"../heaplens/gc?pid={Pid}&amp;token=", query.Body);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("301")]
    [InlineData("99999999999999999999")]
    public void Seconds_must_be_a_positive_integer_within_the_cap(string seconds)
    {
        foreach (string profile in new[] { "allocs", "heap" })
        {
            var response = Curl.Get(Server.UrlWithToken($"/debug/pprof/{profile}?pid={Pid}&seconds={seconds}"));
            Assert.Equal(400, response.Status);
            Assert.Equal("1", response.Header("X-Go-Pprof"));
            Assert.Contains("seconds", response.Body);
        }
    }

    [Theory]
    [InlineData("/debug/pprof/goroutine")]
    [InlineData("/debug/pprof/profile?seconds=1")]
    [InlineData("/debug/pprof/no/such/thing")]
    public void An_unknown_profile_is_404(string path)
    {
        var response = Curl.Get(Server.UrlWithToken(path));
        Assert.Equal(404, response.Status);
        Assert.Equal("1", response.Header("X-Go-Pprof"));
        Assert.Equal("Unknown profile\n", response.Body);
    }

    [Fact]
    public void A_process_the_agent_does_not_serve_is_404_and_a_bad_pid_400()
    {
        var other = Curl.Get(Server.UrlWithToken($"/debug/pprof/allocs?pid={Pid + 100000}&seconds=1"));
        Assert.Equal(404, other.Status);
        Assert.Contains($"serves process {Pid} only", other.Body);
        var bad = Curl.Get(Server.UrlWithToken("/debug/heaplens/snapshot?pid=abc"));
        Assert.Equal(400, bad.Status);
        Assert.Equal("1", bad.Header("X-Go-Pprof"));
    }

    [Fact]
    public async Task A_second_allocation_profile_of_the_same_process_is_429_while_the_first_runs()
    {
        var first = Task.Run(() => Curl.Get(Server.UrlWithToken($"/debug/pprof/allocs?pid={Pid}&seconds=6")));
        RawTrace.WaitFor(Server.Process.Id, 0, TimeSpan.FromSeconds(60)); // the first one is recording
        var second = Curl.Get(Server.UrlWithToken($"/debug/pprof/allocs?pid={Pid}&seconds=1"));
        Assert.Equal(429, second.Status);
        Assert.Equal("1", second.Header("X-Go-Pprof"));
        Assert.Contains("already running", second.Body);
        var answered = await first;
        Assert.Equal(200, answered.Status);
        Assert.Equal("attachment; filename=\"allocs\"", answered.Header("Content-Disposition"));
        Assert.Equal("application/octet-stream", answered.Header("Content-Type"));
    }

    [Fact]
    public void A_snapshot_while_another_heaplens_walks_the_heap_is_429()
    {
        // What a concurrent `heaplens snapshot` holds while it walks this process's heap.
        using (HeapLens.Collection.HeapWalkLock.Acquire(Pid))
        {
            var busy = Curl.Get(Server.UrlWithToken($"/debug/heaplens/snapshot?pid={Pid}"));
            Assert.Equal(429, busy.Status);
            Assert.Contains("another heaplens", busy.Body);
        }
        var free = Curl.Get(Server.UrlWithToken($"/debug/heaplens/snapshot?pid={Pid}"));
        Assert.Equal(200, free.Status);
    }

    [Fact]
    public void Debug_1_gives_the_allocation_profile_as_text()
    {
        served.Target.Send("garbage 200000");
        var response = Curl.Get(Server.UrlWithToken($"/debug/pprof/allocs?pid={Pid}&seconds=1&debug=1"));
        Assert.Equal(200, response.Status);
        Assert.StartsWith("text/plain", response.Header("Content-Type"));
        Assert.StartsWith("allocs profile: ", response.Body);
        Assert.Contains("alloc_space (bytes): total ", response.Body);
    }
}
