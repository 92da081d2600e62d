using System.Globalization;
using System.Text.Json;
using HeapLens.Formats.HeapSnap;
using HeapLens.Reports;
using HeapLens.Tests.Infrastructure;
using HeapLens.Tests.Profiles;
using Xunit;

namespace HeapLens.Tests.Serve;

/// <summary>`heaplens serve` against real targets, read by real clients (go tool pprof, HttpClient).</summary>
public sealed class ServeProfileTests
{
    private const string Arrays = "AllocTarget.Allocators.AllocateArrays";

    [Fact]
    public async Task Go_pprof_fetches_an_allocation_profile_that_names_the_allocating_method()
    {
        const long megabytes = 200;
        using var target = ChildProcess.StartDll("AllocTarget.dll", "mix", $"{megabytes}", "0");
        await target.WaitForLineAsync("ready", TimeSpan.FromSeconds(60));
        using var server = RunningServer.Start("-p", target.Id.ToString(CultureInfo.InvariantCulture));

        // The real Go client, with the token in the URL as a user would paste it.
        // -timeout: pprof otherwise waits 1.5 x seconds for the headers, and the answer comes after the
        // recording plus rundown and stack resolution, which a loaded machine stretches.
        var pprof = Task.Run(() => GoPprof.Run("-top", "-cum", "-timeout=300", "-unit=B", "-sample_index=alloc_space",
            server.UrlWithToken($"/debug/pprof/allocs?pid={target.Id}&seconds=10")));
        RawTrace.WaitFor(server.Process.Id, 1, TimeSpan.FromSeconds(60));
        target.WriteLine("go");
        string done = await target.WaitForLineAsync("done ", TimeSpan.FromMinutes(2));
        long arrayBytes = long.Parse(done.Split(' ')[2], CultureInfo.InvariantCulture);

        string top = await pprof;
        // "      flat  flat%   sum%        cum   cum%": cum of the method is its 4th column, in bytes with -unit=B.
        string row = top.Split('\n').Single(l => l.TrimEnd().EndsWith(" " + Arrays, StringComparison.Ordinal));
        long cum = long.Parse(row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3].TrimEnd('B'), CultureInfo.InvariantCulture);
        Assert.InRange(cum, arrayBytes * 0.9, arrayBytes * 1.1);
        Assert.Contains("System.Byte[]", top);
    }

    [Fact]
    public async Task Go_pprof_fetches_a_heap_profile_whose_inuse_is_what_the_target_kept()
    {
        // The target keeps 60 MB of byte[1000] from Keeper.Keep and drops five times as much of the same
        // type from Keeper.Drop: the heap profile's inuse_space must name Keep for what it kept.
        using var target = ChildProcess.StartDll("AllocTarget.dll", "keep", "60", "5");
        await target.WaitForLineAsync("ready", TimeSpan.FromSeconds(60));
        using var server = RunningServer.Start("-p", target.Id.ToString(CultureInfo.InvariantCulture));

        var pprof = Task.Run(() => GoPprof.Run("-top", "-cum", "-timeout=300", "-unit=B",
            server.UrlWithToken($"/debug/pprof/heap?pid={target.Id}&seconds=10")));
        RawTrace.WaitFor(server.Process.Id, 1, TimeSpan.FromSeconds(60));
        target.WriteLine("go");
        string done = await target.WaitForLineAsync("done ", TimeSpan.FromMinutes(2));
        long keptBytes = long.Parse(done.Split(' ')[2], CultureInfo.InvariantCulture);

        string top = await pprof; // no -sample_index: the heap profile's default is inuse_space, as in Go
        Assert.Contains("Type: inuse_space", top);
        long Cum(string function)
        {
            string? row = top.Split('\n').SingleOrDefault(l => l.TrimEnd().EndsWith(" " + function, StringComparison.Ordinal));
            return row is null ? 0 : long.Parse(row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3].TrimEnd('B'), CultureInfo.InvariantCulture);
        }
        Assert.InRange(Cum("AllocTarget.Keeper.Keep"), keptBytes * 0.85, keptBytes * 1.15);
        Assert.True(Cum("AllocTarget.Keeper.Drop") < keptBytes * 0.03, top);
    }

    [Fact]
    public async Task A_snapshot_download_holds_exactly_what_the_target_keeps()
    {
        using var target = TargetProcess.StartTestTarget();
        target.Send("items 12345");
        using var server = RunningServer.Start("-p", target.Id.ToString(CultureInfo.InvariantCulture));
        using var response = await server.Http.GetAsync($"/debug/heaplens/snapshot?pid={target.Id}");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"{target.Id}.heapsnap", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));

        using var directory = new TempDirectory();
        string path = directory.File("served.heapsnap");
        using (var file = File.Create(path))
            response.Content.CopyTo(file, null, CancellationToken.None);
        var snapshot = HeapSnapFile.Read(path);
        int item = snapshot.TypeNames.ToList().IndexOf("Fixture.Item");
        Assert.True(item >= 0, "the snapshot has no Fixture.Item type");
        Assert.Equal(12345, snapshot.TypeIndex.ToArray().Count(t => t == item));
        Assert.Equal(target.Id, snapshot.Metadata.ProcessId);
    }

    [Fact]
    public async Task The_gc_endpoint_reports_the_collections_the_target_ran()
    {
        using var target = ChildProcess.StartDll("GcTarget.dll", "sawtooth", "--churn-mbps", "40");
        await target.WaitForLineAsync("ready", TimeSpan.FromSeconds(60));
        using var server = RunningServer.Start("-p", target.Id.ToString(CultureInfo.InvariantCulture));
        // 40 MB/s of garbage makes gen0 GCs every few hundred ms: a few seconds show several.
        await target.WaitForLineAsync("tick", TimeSpan.FromSeconds(30));
        GcReport? report = null;
        for (int attempt = 0; attempt < 60 && (report is null || report.Gcs < 5); attempt++)
        {
            await Task.Delay(1000);
            string json = await server.Http.GetStringAsync($"/debug/heaplens/gc?pid={target.Id}");
            report = JsonSerializer.Deserialize<GcReport>(json, ReportJson.Options);
        }
        Assert.NotNull(report);
        Assert.True(report.Gcs >= 5, $"only {report.Gcs} GCs seen");
        Assert.Equal(target.Id, report.ProcessId);
        Assert.Equal("GcTarget", report.ProcessName);
        Assert.NotNull(report.LastGc);
        Assert.Equal(report.Gcs, report.History.Sum(b => (long)b.Gcs));
    }

    [Fact]
    public async Task A_cancelled_request_ends_its_session_in_the_target()
    {
        using var target = TargetProcess.StartTestTarget();
        int before = SocketCount.Of(target.Id);
        using var server = RunningServer.Start("-p", target.Id.ToString(CultureInfo.InvariantCulture));
        // The agent's own GC session opens at start; wait until it has, then count.
        int baseline = SocketCount.OnceOneMoreThan(target.Id, before);

        using var cancel = new CancellationTokenSource();
        var request = server.Http.GetAsync($"/debug/pprof/allocs?pid={target.Id}&seconds=120", cancel.Token);
        RawTrace.WaitFor(server.Process.Id, 1, TimeSpan.FromSeconds(60));
        Assert.True(SocketCount.Of(target.Id) > baseline, "the recording's session did not show as a connection");
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);

        Assert.Equal(baseline, SocketCount.WaitFor(target.Id, baseline, TimeSpan.FromSeconds(30)));
        // And the gate opens again (the handler ends a moment after the target closed the session): the next request records.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        HttpResponseMessage next;
        while ((int)(next = await server.Http.GetAsync($"/debug/pprof/allocs?pid={target.Id}&seconds=1")).StatusCode == 429
               && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            next.Dispose();
            await Task.Delay(200);
        }
        using (next)
            Assert.Equal(200, (int)next.StatusCode);
    }

    [Fact]
    public async Task A_cancelled_heap_profile_ends_its_session_without_the_closing_heap_walk()
    {
        using var target = TargetProcess.StartTestTarget();
        int before = SocketCount.Of(target.Id);
        using var server = RunningServer.Start("-p", target.Id.ToString(CultureInfo.InvariantCulture));
        // The agent's own GC session opens at start; wait until it has, then count.
        int baseline = SocketCount.OnceOneMoreThan(target.Id, before);
        // The idle target runs no GC of its own: its gen2 count moves only when something induces one.
        string gen2 = target.Send("gc 0").Split(' ').Last();

        using var cancel = new CancellationTokenSource();
        var request = server.Http.GetAsync($"/debug/pprof/heap?pid={target.Id}&seconds=120", cancel.Token);
        RawTrace.WaitFor(server.Process.Id, 1, TimeSpan.FromSeconds(60));
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);

        // The session ended (a walk would have held it open until the walk was over)...
        Assert.Equal(baseline, SocketCount.WaitFor(target.Id, baseline, TimeSpan.FromSeconds(30)));
        Thread.Sleep(3000); // ...and no walk follows late
        Assert.Equal(baseline, SocketCount.Of(target.Id));
        Assert.Equal(gen2, target.Send("gc 0").Split(' ').Last());
        // The gate is open again: the next heap request is not refused as busy.
        using var next = await server.Http.GetAsync($"/debug/pprof/heap?pid={target.Id}&seconds=1&debug=1");
        Assert.NotEqual(429, (int)next.StatusCode);
    }

    [Fact]
    public async Task A_target_dying_mid_request_gives_a_clean_error_and_the_agent_lives_on()
    {
        using var target = TargetProcess.StartTestTarget();
        using var server = RunningServer.Start();
        var request = Task.Run(() => Curl.Get(server.UrlWithToken($"/debug/pprof/allocs?pid={target.Id}&seconds=60")));
        RawTrace.WaitFor(server.Process.Id, 1, TimeSpan.FromSeconds(60));
        target.Kill();
        var response = await request;
        Assert.Equal(500, response.Status);
        Assert.Equal("1", response.Header("X-Go-Pprof"));
        Assert.Contains($"process {target.Id} exited", response.Body);

        var index = Curl.Get(server.UrlWithToken("/debug/pprof/"));
        Assert.Equal(200, index.Status);
        Assert.DoesNotContain($"<td>{target.Id}</td>", index.Body);
    }
}
