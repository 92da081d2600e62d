using System.Diagnostics;
using HeapLens.Collection;
using HeapLens.Timelines;
using HeapLens.Formats.GcTimeline;

namespace HeapLens.Monitoring;

/// <summary>Makes a capture action for a run; it may use the run's live timeline.</summary>
public delegate ICaptureAction CaptureFactory(GcTimelineRecorder timeline);

/// <summary>
/// Watches a live process's GCs: records the timeline to disk, analyses the floor trend every
/// interval, fires captures when a trigger holds (within the capture budget), and ends with a
/// summary when the duration runs out, the target exits or the caller cancels.
/// Memory stays bounded: GCs go to the file and into a fixed-size <see cref="GcHistory"/>.
/// </summary>
public sealed class GcMonitor
{
    public const string TimelineFileName = "timeline" + GcTimelineFormat.Extension;
    public const string CaptureLogFileName = "captures.jsonl";

    // Every wait on the target has a deadline: a stopped (SIGSTOP) or hung target answers nothing,
    // and the monitor must still end on time with its summary.
    // A live target answers a stop request at once; one that does not is abandoned.
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(2);
    // After a stop, the runtime flushes the session and closes the stream.
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);
    // A dying target cuts its stream a moment before it is gone.
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(5);

    private readonly DotNetProcess _target;
    private readonly MonitorOptions _options;
    private readonly IReadOnlyList<CaptureFactory> _captureFactories;
    private readonly IProgress<MonitorStatus>? _progress;
    private readonly GcHistory _history = new();
    private readonly List<CaptureRecord> _captures = [];
    private readonly Stopwatch _clock = new();
    private long? _baselineFloor;

    public GcMonitor(DotNetProcess target, MonitorOptions options, IReadOnlyList<CaptureFactory> captureFactories,
        IProgress<MonitorStatus>? progress = null)
    {
        _target = target;
        _options = options;
        _captureFactories = captureFactories;
        _progress = progress;
    }

    /// <summary>Runs until the duration ends, the target exits or <paramref name="cancellationToken"/> fires.</summary>
    public async Task<MonitorSummary> RunAsync(CancellationToken cancellationToken)
    {
        using var session = await GcEventSession.StartAsync(_target.Id, GcEventSession.DefaultStartTimeout, cancellationToken)
            .ConfigureAwait(false);
        // Only once attached: a failed attach leaves no empty directory behind.
        Directory.CreateDirectory(_options.OutputDirectory);
        var header = new GcTimelineHeader(_target.Id, _target.Name, session.StartTimeUtc);
        using var recorder = GcTimelineRecorder.Create(Path.Combine(_options.OutputDirectory, TimelineFileName), header);
        var actions = _captureFactories.Select(make => make(recorder)).ToList();
        var budget = new CaptureBudget(_options.MaxCaptures, _options.Cooldown);
        var log = new CaptureLog(Path.Combine(_options.OutputDirectory, CaptureLogFileName));
        _clock.Start();

        var reading = Task.Factory.StartNew(() => session.Process(gc =>
        {
            lock (_history)
                _history.Add(gc);
            recorder.Record(gc);
        }), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var endReason = await WatchAsync(reading, actions, budget, log, cancellationToken).ConfigureAwait(false);
        double watchedSeconds = _clock.Elapsed.TotalSeconds;

        if (await session.StopAsync(StopTimeout).ConfigureAwait(false))
            await Task.WhenAny(reading, Task.Delay(DrainTimeout, CancellationToken.None)).ConfigureAwait(false);
        // The GCs recorded so far are a complete timeline, whatever happens next.
        recorder.Complete();
        if (reading.IsFaulted)
            throw new HeapLensException($"reading GC events from process {_target.Id} failed: {reading.Exception!.InnerException?.Message}");
        if (endReason == MonitorEndReason.TargetExited && session.BrokenBy is { } broken
            && !await TargetLiveness.WaitForEndAsync(_target.Id, ExitTimeout).ConfigureAwait(false))
        {
            // A stream cut while the process lives on is not an exit: say so rather than summarise.
            throw new HeapLensException($"the GC event stream of process {_target.Id} broke while it still runs: {broken}");
        }

        var status = Status();
        return new MonitorSummary(_target.Id, _target.Name, endReason, watchedSeconds, status.Gcs, status.FullGcs,
            _baselineFloor, status.Trend, _history, recorder.Path, File.Exists(log.Path) ? log.Path : null, _captures.ToList(),
            session.EventsLost);
    }

    private async Task<MonitorEndReason> WatchAsync(Task reading, List<ICaptureAction> actions, CaptureBudget budget,
        CaptureLog log, CancellationToken cancellationToken)
    {
        var deadline = _options.Duration is TimeSpan duration ? _clock.Elapsed + duration : (TimeSpan?)null;
        // A capture still running when the duration ends (a heap walk of a stopped target) is
        // cancelled, and abandoned if it does not listen: the run ends on time.
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (deadline is TimeSpan last)
            run.CancelAfter(last - _clock.Elapsed);
        _progress?.Report(Status());
        while (true)
        {
            var wait = _options.Interval;
            if (deadline is TimeSpan end && end - _clock.Elapsed < wait)
                wait = end - _clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                var tick = Task.Delay(wait, cancellationToken);
                await Task.WhenAny(tick, reading).ConfigureAwait(false);
            }
            if (cancellationToken.IsCancellationRequested)
                return MonitorEndReason.Cancelled;
            if (reading.IsCompleted)
                return MonitorEndReason.TargetExited;

            var status = Status();
            foreach (var firing in TriggerEvaluator.Evaluate(_options.Triggers, status.LastGc?.HeapAfter, _baselineFloor, status.Trend))
            {
                double firedAtSeconds = _clock.Elapsed.TotalSeconds;
                if (!budget.TryTake(firing.Kind, firedAtSeconds))
                    continue;
                await CaptureAsync(firing, firedAtSeconds, actions, log, run.Token, cancellationToken).ConfigureAwait(false);
            }
            _progress?.Report(status with { Captures = _captures.ToList() });
            if (deadline is TimeSpan due && _clock.Elapsed >= due)
                return MonitorEndReason.Duration;
        }
    }

    private async Task CaptureAsync(TriggerFiring firing, double firedAtSeconds, List<ICaptureAction> actions, CaptureLog log, CancellationToken run,
        CancellationToken cancellationToken)
    {
        // A capture is recorded at the moment its trigger fired, the moment the budget's cooldown counts
        // from: a capture that took longer than the next one must not make them look closer than the cooldown.
        var now = DateTime.UtcNow;
        string stem = UniqueStem(Path.Combine(_options.OutputDirectory, $"{now:yyyyMMdd-HHmmss}-{firing.Name}"));
        if (actions.Count == 0)
        {
            // --on-trigger none: the firing is still worth a line in the log.
            Record(new CaptureRecord(now, firedAtSeconds, firing.Name, firing.Detail, "none", null, null), log);
            return;
        }
        foreach (var action in actions)
        {
            string? path = null;
            string? error = null;
            try
            {
                path = await action.CaptureAsync(_target.Id, stem, run).WaitAsync(run).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (run.IsCancellationRequested)
            {
                error = cancellationToken.IsCancellationRequested ? "cancelled" : "the run's duration ended before the capture did";
            }
            catch (Exception e) when (e is HeapLensException or IOException or UnauthorizedAccessException)
            {
                error = e.Message;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One failed capture must not end hours of monitoring: log it and keep watching.
                error = $"{e.GetType().Name}: {e.Message}";
            }
            Record(new CaptureRecord(now, firedAtSeconds, firing.Name, firing.Detail, action.Kind, path, error), log);
        }
    }

    /// <summary>
    /// A short cooldown can fire the same trigger twice in one second; a numbered suffix keeps the
    /// second capture from overwriting the first.
    /// </summary>
    internal static string UniqueStem(string stem)
    {
        string directory = Path.GetDirectoryName(stem)!;
        string name = Path.GetFileName(stem);
        string candidate = name;
        for (int n = 2; Directory.EnumerateFiles(directory, candidate + ".*").Any(); n++)
            candidate = $"{name}-{n}";
        return Path.Combine(directory, candidate);
    }

    private void Record(CaptureRecord record, CaptureLog log)
    {
        _captures.Add(record);
        log.Append(record);
    }

    private MonitorStatus Status()
    {
        TrendResult trend;
        GcEvent? last;
        long count, full;
        lock (_history)
        {
            trend = TrendAnalyzer.Analyze(_history, _options.Trend);
            last = _history.Last;
            count = _history.Count;
            full = _history.FullCount;
        }
        if (_baselineFloor is null && trend.FloorPoints.Count > 0)
            _baselineFloor = trend.FloorPoints[0].Bytes;
        return new MonitorStatus(_clock.Elapsed.TotalSeconds, count, full, last, _baselineFloor, trend, _captures.ToList());
    }
}
