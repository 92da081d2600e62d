using HeapLens.Snapshots;

namespace HeapLens.Cli.Reports;

internal static class SnapshotHeader
{
    /// <summary>One line saying which process the snapshot is of, and when.</summary>
    public static string Describe(HeapSnapshot snapshot)
    {
        var m = snapshot.Metadata;
        string runtime = string.IsNullOrEmpty(m.RuntimeVersion) ? "" : $", .NET {m.RuntimeVersion}";
        return $"Snapshot of {m.ProcessName} (pid {m.ProcessId}) at {m.CaptureTime.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC{runtime}";
    }
}
