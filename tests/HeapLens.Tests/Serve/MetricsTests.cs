using System.Diagnostics;
using System.Globalization;
using HeapLens.Security;
using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Serve;

/// <summary>/metrics as Prometheus sees it: a real Prometheus server scraping the agent with a bearer token.</summary>
public sealed class MetricsTests
{
    [Fact]
    public void Prometheus_scrapes_the_collections_the_target_ran()
    {
        using var directory = new TempDirectory();
        string tokenFile = directory.File("token");
        AccessToken.Generate().WriteUserOnlyFile(tokenFile);
        using var target = TargetProcess.StartTestTarget();
        target.Send("items 200000"); // 200,000 Items of 32 bytes stay alive in gen2
        string pid = target.Id.ToString(CultureInfo.InvariantCulture);
        using var server = RunningServer.Start("-p", pid, "--token-file", tokenFile);
        WaitUntilWatched(server, target.Id);

        // The target is idle between commands: the only full GCs from here on are the ones it is told to run.
        target.Send("gc 7");
        using var prometheus = PrometheusServer.Start(new Uri(server.BaseUrl).Authority, tokenFile);
        var gen2 = prometheus.QueryUntil($"heaplens_gc_collections_total{{pid=\"{pid}\",generation=\"2\"}}",
            answer => answer.Count == 1 && answer[0].Value >= 7, TimeSpan.FromSeconds(90));
        Assert.Single(gen2);
        Assert.Equal(7, gen2[0].Value);
        Assert.Equal("HeapLens.TestTarget", gen2[0].Labels["name"]);

        Assert.Equal(1, Single(prometheus, "up{job=\"heaplens\"}")); // the bearer token from the file was accepted
        Assert.InRange(Single(prometheus, $"heaplens_gc_heap_after_bytes{{pid=\"{pid}\",generation=\"2\"}}"), 200000 * 32, 1e9);
        Assert.True(Single(prometheus, $"heaplens_gc_pause_seconds_total{{pid=\"{pid}\"}}") > 0);
        Assert.Equal(0, Single(prometheus, $"heaplens_leak_suspected{{pid=\"{pid}\"}}"));
        Assert.Equal(7, Single(prometheus, $"sum(heaplens_gc_collections_total{{pid=\"{pid}\"}})")); // no other GC happened
    }

    [Fact]
    public void The_agent_picks_up_a_new_process_and_forgets_an_exited_one()
    {
        using var server = RunningServer.Start();
        using var target = TargetProcess.StartTestTarget();
        var clock = Stopwatch.StartNew();
        WaitUntilWatched(server, target.Id);
        double pickedUp = clock.Elapsed.TotalSeconds;
        target.Kill();
        var deadline = Stopwatch.StartNew();
        while (Metrics(server).Contains($"pid=\"{target.Id}\"", StringComparison.Ordinal))
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), "the exited process is still in /metrics");
            Thread.Sleep(250);
        }
        Console.WriteLine($"picked up after {pickedUp:0.0} s"); // a figure for the report, not an assertion
    }

    private static double Single(PrometheusServer prometheus, string query)
    {
        var answer = prometheus.QueryUntil(query, a => a.Count == 1, TimeSpan.FromSeconds(30));
        Assert.Single(answer);
        return answer[0].Value;
    }

    private static string Metrics(RunningServer server) => server.Http.GetStringAsync("/metrics").GetAwaiter().GetResult();

    private static void WaitUntilWatched(RunningServer server, int pid)
    {
        var clock = Stopwatch.StartNew();
        while (!Metrics(server).Contains($"heaplens_leak_suspected{{pid=\"{pid}\"", StringComparison.Ordinal))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
                throw new TimeoutException($"the agent did not watch process {pid}");
            Thread.Sleep(200);
        }
    }
}
