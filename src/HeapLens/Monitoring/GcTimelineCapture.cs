using HeapLens.Formats.GcTimeline;

namespace HeapLens.Monitoring;

/// <summary>The cheapest evidence: the GC timeline recorded so far, as it stood when the trigger fired.</summary>
public sealed class GcTimelineCapture(GcTimelineRecorder recorder) : ICaptureAction
{
    public const string Extension = ".gctimeline" + GcTimelineFormat.Extension;

    public string Kind => "timeline";

    public Task<string> CaptureAsync(int processId, string outputPathWithoutExtension, CancellationToken cancellationToken)
    {
        string path = outputPathWithoutExtension + Extension;
        recorder.CopyTo(path);
        return Task.FromResult(path);
    }
}
