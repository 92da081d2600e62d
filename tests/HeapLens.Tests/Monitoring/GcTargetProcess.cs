using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace HeapLens.Tests.Monitoring;

/// <summary>
/// A running tests/GcTarget process (modes leak, flat, sawtooth). Its stdout is drained as it
/// comes, so the process never blocks on a full pipe; the "tick SECONDS RETAINED" lines tell
/// how much it really retained, for assertions that do not trust the monitor's own numbers.
/// </summary>
internal sealed class GcTargetProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(double Seconds, long Retained)> _ticks = [];

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

    private GcTargetProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.Exited += (_, _) => _ready.TrySetException(new InvalidOperationException("GcTarget exited before it was ready"));
        _process.EnableRaisingEvents = true;
    }

    public static Task<GcTargetProcess> StartAsync(string mode, params string[] options) =>
        StartAsync(new Dictionary<string, string>(), mode, options);

    public static async Task<GcTargetProcess> StartAsync(IReadOnlyDictionary<string, string> environment, string mode, params string[] options)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var (name, value) in environment)
            info.Environment[name] = value;
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "GcTarget.dll"));
        info.ArgumentList.Add(mode);
        foreach (string option in options)
            info.ArgumentList.Add(option);
        var target = new GcTargetProcess(Process.Start(info)!);
        target._process.BeginOutputReadLine();
        await target._ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return target;
    }

    private void OnLine(string? line)
    {
        if (line is null)
            return;
        if (line.StartsWith("ready", StringComparison.Ordinal))
            _ready.TrySetResult();
        else if (line.StartsWith("tick ", StringComparison.Ordinal))
        {
            string[] parts = line.Split(' ');
            lock (_ticks)
                _ticks.Add((double.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>Bytes per second the target added to what it retains, from its own report.</summary>
    public double RetainedGrowthPerSecond()
    {
        lock (_ticks)
        {
            if (_ticks.Count < 2)
                return 0;
            var (firstSeconds, firstRetained) = _ticks[0];
            var (lastSeconds, lastRetained) = _ticks[^1];
            return (lastRetained - firstRetained) / (lastSeconds - firstSeconds);
        }
    }

    public async Task WaitForExitAsync(TimeSpan timeout) => await _process.WaitForExitAsync().WaitAsync(timeout);

    /// <summary>"tick" lines seen so far: the target is running while this grows.</summary>
    public int Ticks
    {
        get
        {
            lock (_ticks)
                return _ticks.Count;
        }
    }

    public const int SigKill = 9, SigTerm = 15, SigCont = 18, SigStop = 19;

    /// <summary>Sends a signal (Linux numbers: see the constants).</summary>
    public void Signal(int signal)
    {
        if (kill(_process.Id, signal) != 0)
            throw new InvalidOperationException($"kill -{signal} {_process.Id} failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>
    /// Sockets the target holds open: its diagnostics listener, plus one per EventPipe session it
    /// streams to (or request it has accepted). Back to the count before a session means it ended.
    /// </summary>
    public int OpenSockets() =>
        Directory.GetFiles($"/proc/{_process.Id}/fd").Count(fd =>
            new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true);

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
