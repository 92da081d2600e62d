using HeapLens.Collection;
using HeapLens.Snapshots;
using HeapLens.Tests.Infrastructure;

namespace HeapLens.Tests.Nettrace;

/// <summary>
/// A real capture of a real target through heaplens's own collector, with the raw session stream kept
/// (the debug option <see cref="HeapCaptureOptions.KeepStreamPath"/>): the input both readers are compared on.
/// </summary>
internal sealed record RecordedWalk(string StreamPath, HeapSnapshot Live)
{
    public static RecordedWalk Capture(TargetProcess target, TempDirectory directory, string name)
    {
        string path = directory.File(name + ".nettrace");
        var snapshot = HeapSnapshotCollector.CaptureAsync(target.Descriptor, new HeapCaptureOptions
        {
            KeepStreamPath = path,
            TempDirectory = directory.Path,
        }).GetAwaiter().GetResult();
        return new RecordedWalk(path, snapshot);
    }
}
