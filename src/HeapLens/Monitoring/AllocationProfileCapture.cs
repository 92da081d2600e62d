using HeapLens.Collection;
using HeapLens.Formats.Pprof;

namespace HeapLens.Monitoring;

/// <summary>An allocation profile as evidence: who allocates, over a short window after the trigger.</summary>
public sealed class AllocationProfileCapture(TimeSpan window) : ICaptureAction
{
    public const string Extension = ".pb.gz";

    public string Kind => "allocs";

    public async Task<string> CaptureAsync(int processId, string outputPathWithoutExtension, CancellationToken cancellationToken)
    {
        string path = outputPathWithoutExtension + Extension;
        string trace = outputPathWithoutExtension + ".nettrace.tmp";
        try
        {
            await AllocationRecorder.RecordAsync(processId, trace, window, ProcessLocator.RuntimeMajorVersionOf(processId), null, cancellationToken)
                .ConfigureAwait(false);
            PprofFile.Save(AllocationTraceConverter.Convert(trace).Profile, path);
            return path;
        }
        finally
        {
            File.Delete(trace);
        }
    }
}
