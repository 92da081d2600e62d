namespace HeapLens.BrowserTests;

/// <summary>
/// Real files from the demo target, captured once for all browser tests: a snapshot, a later snapshot
/// after more requests (the session leak grew), and an allocation profile recorded while it served.
/// </summary>
public sealed class LeakyServiceFiles : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("heaplens-browser-").FullName;

    public string Before => Path.Combine(_directory, "before.heapsnap");
    public string After => Path.Combine(_directory, "after.heapsnap");
    public string Profile => Path.Combine(_directory, "allocs.pb.gz");

    public async Task InitializeAsync()
    {
        using var service = ChildProcess.Start("LeakyService.dll");
        string ready = await service.ReadLineAsync(TimeSpan.FromMinutes(1));
        Assert.StartsWith("READY", ready);
        string pid = service.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await ChildProcess.RunHeapLensAsync("snapshot", "-p", pid, "-o", Before);
        await Serve(service, 3000);
        await ChildProcess.RunHeapLensAsync("snapshot", "-p", pid, "-o", After);
        // The window is what the requests take, however loaded the machine: it opens when the session's first
        // events arrive and ends with SIGINT, on which allocs writes what it recorded.
        using (var allocs = ChildProcess.Start("heaplens.dll", "allocs", "-p", pid, "-d", "10m", "-o", Profile))
        {
            await allocs.WaitForEventStreamAsync(TimeSpan.FromMinutes(2));
            await Serve(service, 4000);
            await allocs.InterruptAsync(TimeSpan.FromMinutes(3));
        }
        await service.Input.WriteLineAsync("exit");
    }

    private static async Task Serve(ChildProcess service, int requests)
    {
        await service.Input.WriteLineAsync($"serve {requests}");
        await service.Input.FlushAsync();
        Assert.Equal($"OK served {requests}", await service.ReadLineAsync(TimeSpan.FromMinutes(1)));
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}
