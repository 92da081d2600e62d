using HeapLens.Timelines;

namespace HeapLens.Monitoring;

/// <summary>One trigger that fired and the evidence captured for it (or why there is none).</summary>
/// <param name="Seconds">When the trigger fired (not when its capture ended), in seconds since the monitor started.</param>
public sealed record CaptureRecord(DateTime TimeUtc, double Seconds, string Trigger, string Detail, string Kind, string? Path, string? Error);

/// <summary>What the monitor knows at one moment, for a live view.</summary>
/// <param name="Seconds">Seconds since the monitor started.</param>
/// <param name="Gcs">GCs seen so far.</param>
/// <param name="LastGc">The most recent GC, null before the first.</param>
/// <param name="BaselineFloor">The first floor after warm-up, the reference for --growth.</param>
public sealed record MonitorStatus(double Seconds, long Gcs, long FullGcs, GcEvent? LastGc, long? BaselineFloor,
    TrendResult Trend, IReadOnlyList<CaptureRecord> Captures);

public enum MonitorEndReason
{
    /// <summary>The requested duration ran out.</summary>
    Duration,
    /// <summary>The target process exited (or closed its diagnostics port).</summary>
    TargetExited,
    /// <summary>The user stopped it (Ctrl+C).</summary>
    Cancelled,
}

/// <summary>The result of a monitor run.</summary>
/// <param name="History">The bounded GC history, for a chart.</param>
/// <param name="TimelinePath">The recorded GC timeline (JSON lines).</param>
/// <param name="CaptureLogPath">The capture log (JSON lines), null when nothing fired.</param>
public sealed record MonitorSummary(
    int ProcessId,
    string ProcessName,
    MonitorEndReason EndReason,
    double Seconds,
    long Gcs,
    long FullGcs,
    long? BaselineFloor,
    TrendResult Trend,
    GcHistory History,
    string TimelinePath,
    string? CaptureLogPath,
    IReadOnlyList<CaptureRecord> Captures,
    int EventsLost);
