using HeapLens.Snapshots;

namespace HeapLens.Reports;

/// <summary>Which process a snapshot is of, and when: the first line of every snapshot report.</summary>
public sealed record SnapshotHeader(string ProcessName, int ProcessId, DateTimeOffset CaptureTime, string RuntimeVersion)
{
    public static SnapshotHeader Of(HeapSnapshot snapshot)
    {
        var m = snapshot.Metadata;
        return new SnapshotHeader(m.ProcessName, m.ProcessId, m.CaptureTime, m.RuntimeVersion);
    }
}
