using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.Json;
using HeapLens.Formats.HeapSnap;
using HeapLens.Reports;
using HeapLens.Tests.Infrastructure;
using HeapLens.Tests.Profiles;
using Xunit;

namespace HeapLens.Tests.Serve;

/// <summary>
/// HeapLens.AspNetCore inside a real app (samples/PprofWebApp): the app profiles itself through its own
/// diagnostics port, which is where the hazards are (a heap walk suspends the thread that reads the
/// stream; stopping a session the process reads itself).
/// </summary>
public sealed class InProcessEndpointTests
{
    [Fact]
    public void The_app_serves_its_own_allocations_snapshot_and_gc_timeline_and_still_stops_cleanly()
    {
        var remote = NonLoopbackAddress();
        string urls = "http://127.0.0.1:0" + (remote is null ? "" : $";http://{remote}:0");
        using var app = ChildProcess.StartDll("PprofWebApp.dll", "--urls", urls);
        try
        {
            Exercise(app, remote);
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            // What the app said is the clue when it went away under us.
            throw new InvalidOperationException($"{e.Message}; the app's stderr: {app.StandardError}; its stdout: {app.StandardOutput}", e);
        }
    }

    private static void Exercise(ChildProcess app, IPAddress? remote)
    {
        string local = app.WaitForLineAsync("Listening on http://127.0.0.1:", TimeSpan.FromSeconds(60)).GetAwaiter().GetResult()["Listening on ".Length..];
        using var http = new HttpClient { BaseAddress = new Uri(local), Timeout = TimeSpan.FromMinutes(3) };
        Assert.Equal("5000", http.GetStringAsync("/keep?n=5000").GetAwaiter().GetResult());

        // Allocations: the real Go client, while the app serves requests.
        using var load = new CancellationTokenSource();
        var traffic = Task.Run(async () =>
        {
            while (!load.IsCancellationRequested)
                await http.GetStringAsync("/work?n=5000");
        });
        // -timeout: pprof otherwise waits 1.5 x seconds for the headers, and the answer comes after the
        // recording plus rundown and stack resolution, which a loaded machine stretches.
        string top = GoPprof.Run("-top", "-cum", "-timeout=300", "-sample_index=alloc_space", local + "/debug/pprof/allocs?seconds=3");
        load.Cancel();
        traffic.GetAwaiter().GetResult();
        Assert.Contains("PprofWebApp.Orders.Process", top);

        // A snapshot of itself: exactly the sessions it keeps.
        using var directory = new TempDirectory();
        string path = directory.File("self.heapsnap");
        using (var response = http.GetAsync("/debug/heaplens/snapshot").GetAwaiter().GetResult())
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var file = File.Create(path);
            response.Content.CopyTo(file, null, CancellationToken.None);
        }
        var snapshot = HeapSnapFile.Read(path);
        int session = Array.IndexOf(snapshot.TypeNames, "PprofWebApp.Session");
        Assert.Equal(5000, snapshot.TypeIndex.Count(t => t == session));
        Assert.Equal(app.Id, snapshot.Metadata.ProcessId);

        // Its own GC timeline: the snapshot's induced gen2 GC is in it once the watch has begun.
        var report = JsonSerializer.Deserialize<GcReport>(http.GetStringAsync("/debug/heaplens/gc").GetAwaiter().GetResult(), ReportJson.Options)!;
        Assert.Equal(app.Id, report.ProcessId);
        Assert.Equal("PprofWebApp", report.ProcessName);

        // Sessions on itself were stopped: a second recording works, and the app still answers.
        using (var again = http.GetAsync("/debug/pprof/allocs?seconds=1").GetAwaiter().GetResult())
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.StartsWith("PprofWebApp", http.GetStringAsync("/").GetAwaiter().GetResult());

        if (remote is not null)
        {
            // The same app reached over a non-loopback address: refused, since it added no authorization.
            string remoteUrl = app.StandardOutput.Split('\n').Select(l => l.Trim())
                .Single(l => l.StartsWith($"Listening on http://{remote}:", StringComparison.Ordinal))["Listening on ".Length..];
            var refused = Curl.Get(remoteUrl + "/debug/pprof/");
            Assert.Equal(403, refused.Status);
            Assert.Equal("1", refused.Header("X-Go-Pprof"));
            Assert.Equal(200, Curl.Get(remoteUrl + "/").Status); // the app's own routes are not affected
        }

        app.Interrupt(); // its own GC session is stopped on the way out, without hanging
        Assert.Equal(0, app.WaitForExit(TimeSpan.FromSeconds(60)));
    }

    /// <summary>An IPv4 address of this machine that is not loopback, or null when it has none.</summary>
    private static IPAddress? NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
}
