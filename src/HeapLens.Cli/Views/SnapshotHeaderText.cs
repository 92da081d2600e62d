using HeapLens.Reports;
using HeapLens.Snapshots;

namespace HeapLens.Cli.Views;

internal static class SnapshotHeaderText
{
    /// <summary>One line saying which process the snapshot is of, and when.</summary>
    public static string Describe(SnapshotHeader header)
    {
        string runtime = string.IsNullOrEmpty(header.RuntimeVersion) ? "" : $", .NET {header.RuntimeVersion}";
        return $"Snapshot of {header.ProcessName} (pid {header.ProcessId}) at {header.CaptureTime.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC{runtime}";
    }

    public static string Describe(HeapSnapshot snapshot) => Describe(SnapshotHeader.Of(snapshot));
}
