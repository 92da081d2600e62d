using System.Diagnostics;
using HeapLens.Collection;

namespace HeapLens.Cli.Infrastructure;

/// <summary>
/// `snapshot --timings` (a debug option): one line on stderr when a capture enters a stage, with the wall
/// time and this process's CPU time since the command started, to find where a capture's time goes, and the
/// time of day (UTC), to line the stages up with the target's own clock (the snapshot's GC start and pause).
/// Reported on the capturing thread as it happens (not posted like <see cref="Progress{T}"/>, which would
/// shift the times).
/// </summary>
internal sealed class StageTimings(TextWriter output) : IProgress<CaptureProgress>
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TimeSpan _cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
    private CaptureStage? _last;

    public void Report(CaptureProgress value)
    {
        if (value.Stage == _last)
            return;
        _last = value.Stage;
        Write(value.Stage.ToString(), value.StreamBytes, value.Objects);
    }

    /// <summary>A step of the command's own after the capture (e.g. the file written).</summary>
    public void Step(string name) => Write(name, 0, 0);

    private void Write(string stage, long bytes, long objects)
    {
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart).TotalSeconds;
        lock (output)
            output.WriteLine($"timing {stage,-14} wall {_clock.Elapsed.TotalSeconds,7:0.000} s  cpu {cpu,7:0.000} s  stream {bytes >> 20,6} MB  objects {objects,11:N0}  utc {DateTime.UtcNow:HH:mm:ss.fff}");
    }
}
