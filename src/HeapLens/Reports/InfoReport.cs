using HeapLens.Snapshots;

namespace HeapLens.Reports;

/// <summary>`info`: where and when a snapshot was taken, and how big it is.</summary>
/// <param name="AllocationWindow">The allocation window that ended with the snapshot (`snapshot --allocs`); null for a plain one.</param>
/// <param name="SampledObjects">Sampled objects of that window in the snapshot, which carry their allocation stacks.</param>
public sealed record InfoReport(
    SnapshotMetadata Metadata,
    long Objects,
    long References,
    long Roots,
    long Types,
    long TotalBytes,
    long FileBytes,
    AllocationWindow? AllocationWindow = null,
    long? SampledObjects = null)
{
    public static InfoReport Create(HeapSnapshot snapshot, long fileBytes) => new(
        snapshot.Metadata, snapshot.NodeCount, snapshot.EdgeCount, snapshot.Roots.Count,
        snapshot.TypeNames.Length, snapshot.TotalBytes, fileBytes, snapshot.Allocations?.Window, snapshot.Allocations?.Count);
}
