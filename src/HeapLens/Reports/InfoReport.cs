using HeapLens.Snapshots;

namespace HeapLens.Reports;

/// <summary>`info`: where and when a snapshot was taken, and how big it is.</summary>
public sealed record InfoReport(
    SnapshotMetadata Metadata,
    long Objects,
    long References,
    long Roots,
    long Types,
    long TotalBytes,
    long FileBytes)
{
    public static InfoReport Create(HeapSnapshot snapshot, long fileBytes) => new(
        snapshot.Metadata, snapshot.NodeCount, snapshot.EdgeCount, snapshot.Roots.Count,
        snapshot.TypeNames.Length, snapshot.TotalBytes, fileBytes);
}
