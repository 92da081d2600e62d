using HeapLens.Collection;
using HeapLens.Formats.Pprof;
using HeapLens.Profiles;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace HeapLens.AspNetCore;

/// <summary>
/// /debug/pprof/allocs?seconds=N: the sampled allocations of the next N seconds, as a gzip pprof
/// profile (alloc_objects, alloc_space) whose locations carry function names, or as text with debug=1.
/// </summary>
internal static class AllocsEndpoint
{
    public const string Kind = "allocs";

    public static Task HandleAsync(HttpContext context) => EndpointRunner.RunAsync(context, async (http, cancel) =>
    {
        var services = http.RequestServices;
        var options = services.GetRequiredService<HeapLensOptions>();
        var duration = RequestParameters.Seconds(http.Request, options);
        bool text = RequestParameters.Debug(http.Request);
        var target = services.GetRequiredService<ProfileTargets>().Resolve(RequestParameters.Pid(http.Request));
        using var exclusive = services.GetRequiredService<CaptureGate>().Enter(target.Id, Kind);
        var profile = await RecordAsync(target, duration, options.TempDirectory, cancel).ConfigureAwait(false);
        await ProfileResponse.WriteAsync(http, profile, Kind, text, cancel).ConfigureAwait(false);
    });

    /// <summary>
    /// Records into a file with no name (nothing left behind however the server ends), then converts it.
    /// A cancelled request stops the session at once (AllocationRecorder ends it cleanly) and converts nothing.
    /// </summary>
    internal static async Task<Profile> RecordAsync(DotNetProcess target, TimeSpan duration, string tempDirectory,
        CancellationToken cancel)
    {
        using var trace = new UnnamedTemporaryFile(tempDirectory, $".heaplens-allocs-{target.Id}-{Guid.NewGuid():N}.nettrace");
        var recording = await AllocationRecorder.RecordAsync(target.Id, trace.Path, duration,
            ProcessLocator.RuntimeMajorVersionOf(target.Id), null, cancel).ConfigureAwait(false);
        cancel.ThrowIfCancellationRequested();
        if (recording.TargetExited && await TargetState.ExitsWithinAsync(target.Id, EndpointRunner.ExitGrace).ConfigureAwait(false))
            throw new HeapLensException($"process {target.Id} exited during the {duration.TotalSeconds:0} s recording");
        // Converting is CPU work of a second or more: off the request's thread.
        return await Task.Run(() => AllocationTraceConverter.Convert(trace.Path).Profile, cancel).ConfigureAwait(false);
    }
}
