using HeapLens.Collection;
using HeapLens.Formats.HeapSnap;

namespace HeapLens.Monitoring;

/// <summary>A live heap snapshot as evidence: what is alive when the trigger fires, and who holds it.</summary>
public sealed class HeapSnapshotCapture(HeapCaptureOptions? options = null) : ICaptureAction
{
    public const string Extension = ".heapsnap";

    public string Kind => "snapshot";

    public async Task<string> CaptureAsync(int processId, string outputPathWithoutExtension, CancellationToken cancellationToken)
    {
        string path = outputPathWithoutExtension + Extension;
        var target = ProcessLocator.Resolve(processId, null);
        var captureOptions = (options ?? new HeapCaptureOptions()) with
        {
            TempDirectory = Path.GetDirectoryName(Path.GetFullPath(path))!,
        };
        var snapshot = await HeapSnapshotCollector.CaptureAsync(target, captureOptions, null, cancellationToken).ConfigureAwait(false);
        HeapSnapFile.Write(snapshot, path);
        return path;
    }
}
