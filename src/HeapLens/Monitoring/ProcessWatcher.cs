using HeapLens.Collection;

namespace HeapLens.Monitoring;

/// <summary>
/// Watches the GCs of a changing set of processes (every visible .NET process but this one, or a
/// fixed one): every <see cref="RescanInterval"/> it asks who exists, opens a GC event session on each
/// newcomer and forgets the processes that have exited. What it keeps per process is bounded
/// (<see cref="WatchedProcess"/>), so an agent that sees processes come and go for days stays flat.
/// </summary>
public sealed class ProcessWatcher : IAsyncDisposable
{
    /// <summary>New processes are picked up within this time.</summary>
    public static readonly TimeSpan RescanInterval = TimeSpan.FromSeconds(5);

    // A process that refused a session (another user's, an old runtime, a stopped one) is not asked at every scan.
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMinutes(1);

    private readonly Func<IReadOnlyList<DotNetProcess>> _discover;
    private readonly Dictionary<int, WatchedProcess> _watched = [];
    private readonly Dictionary<int, DateTime> _refusedUntil = [];
    private readonly Dictionary<int, Task<WatchedProcess>> _starting = [];
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    /// <param name="discover">Lists the processes to watch now; called once per rescan.</param>
    public ProcessWatcher(Func<IReadOnlyList<DotNetProcess>> discover, TrendOptions? trendOptions = null)
    {
        _discover = discover;
        TrendOptions = trendOptions ?? new TrendOptions();
    }

    /// <summary>Every .NET process with a diagnostics port, except this one.</summary>
    public static ProcessWatcher AllProcesses(TrendOptions? trendOptions = null) => new(new ProcessScanner().List, trendOptions);

    public TrendOptions TrendOptions { get; }

    /// <summary>Starts the rescan loop; the first scan runs at once.</summary>
    public void Start()
    {
        lock (_lock)
            _loop ??= Task.Run(() => LoopAsync(_stop.Token));
    }

    /// <summary>The processes watched now.</summary>
    public IReadOnlyList<WatchedProcess> Watched
    {
        get
        {
            lock (_lock)
                return [.. _watched.Values.Where(w => !w.Reading.IsCompleted).OrderBy(w => w.Process.Id)];
        }
    }

    /// <summary>
    /// The watch of one process, started now if the scan has not reached it yet (a request for a
    /// process that appeared a moment ago); concurrent callers share one session.
    /// </summary>
    /// <exception cref="HeapLensException">The process cannot be watched (gone, or it refused a session).</exception>
    public async Task<WatchedProcess> WatchAsync(DotNetProcess process, CancellationToken cancellationToken)
    {
        Task<WatchedProcess> starting;
        lock (_lock)
        {
            if (_watched.TryGetValue(process.Id, out var known) && !known.Reading.IsCompleted
                && known.StartTime == TargetState.StartTimeOf(process.Id))
                return known;
            if (!_starting.TryGetValue(process.Id, out starting!))
            {
                // Not the caller's token: a session others wait on must not end with one impatient request.
                starting = StartOneAsync(process);
                _starting[process.Id] = starting;
            }
        }
        return await starting.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<WatchedProcess> StartOneAsync(DotNetProcess process)
    {
        try
        {
            var watched = await WatchedProcess.StartAsync(process, _stop.Token).ConfigureAwait(false);
            WatchedProcess? replaced = null;
            lock (_lock)
            {
                _watched.Remove(process.Id, out replaced);
                _watched[process.Id] = watched;
                _refusedUntil.Remove(process.Id);
            }
            if (replaced is not null)
                await ForgetAsync(replaced).ConfigureAwait(false);
            return watched;
        }
        catch (Exception e) when (e is HeapLensException or OperationCanceledException)
        {
            lock (_lock)
                _refusedUntil[process.Id] = DateTime.UtcNow + RetryAfterFailure;
            throw e as HeapLensException ?? new HeapLensException($"the watch of process {process.Id} was stopped");
        }
        finally
        {
            lock (_lock)
                _starting.Remove(process.Id);
        }
    }

    private async Task LoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await ScanAsync().ConfigureAwait(false);
            try
            {
                await Task.Delay(RescanInterval, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One scan: forget who ended, start who is new.</summary>
    internal async Task ScanAsync()
    {
        IReadOnlyList<DotNetProcess> present;
        try
        {
            present = _discover();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return; // the next scan tries again
        }
        var presentIds = present.Select(p => p.Id).ToHashSet();
        var ended = new List<WatchedProcess>();
        var newcomers = new List<DotNetProcess>();
        var now = DateTime.UtcNow;
        lock (_lock)
        {
            foreach (var (pid, watched) in _watched)
            {
                if (watched.Reading.IsCompleted || !presentIds.Contains(pid))
                    ended.Add(watched);
            }
            foreach (var watched in ended)
                _watched.Remove(watched.Process.Id);
            foreach (int pid in _refusedUntil.Keys.Where(pid => !presentIds.Contains(pid)).ToList())
                _refusedUntil.Remove(pid);
            foreach (var process in present)
            {
                if (!_watched.ContainsKey(process.Id) && !_starting.ContainsKey(process.Id)
                    && !(_refusedUntil.TryGetValue(process.Id, out var until) && until > now))
                    newcomers.Add(process);
            }
        }
        foreach (var watched in ended)
            await ForgetAsync(watched).ConfigureAwait(false);
        // Sessions open in parallel: one target that does not answer must not delay the others.
        await Task.WhenAll(newcomers.Select(async process =>
        {
            try
            {
                await WatchAsync(process, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HeapLensException or OperationCanceledException)
            {
                // Remembered in _refusedUntil; it is retried later.
            }
        })).ConfigureAwait(false);
    }

    private static async Task ForgetAsync(WatchedProcess watched)
    {
        await watched.StopAsync().ConfigureAwait(false);
        watched.Dispose();
    }

    /// <summary>Stops every session (each with a deadline) and the scan loop.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
            await _loop.ConfigureAwait(false);
        List<WatchedProcess> all;
        List<Task<WatchedProcess>> starting;
        lock (_lock)
        {
            starting = [.. _starting.Values];
            all = [.. _watched.Values];
            _watched.Clear();
        }
        foreach (var task in starting)
        {
            try
            {
                var late = await task.ConfigureAwait(false);
                if (!all.Contains(late))
                    all.Add(late);
            }
            catch (Exception e) when (e is HeapLensException or OperationCanceledException)
            {
            }
        }
        lock (_lock)
        {
            all.AddRange(_watched.Values.Where(w => !all.Contains(w)));
            _watched.Clear();
        }
        await Task.WhenAll(all.Select(ForgetAsync)).ConfigureAwait(false);
        _stop.Dispose();
    }
}
