using HeapLens.Collection;
using HeapLens.Profiles;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace HeapLens.AspNetCore;

/// <summary>
/// /debug/pprof/heap?seconds=N: Go's heap profile: the four sample types (alloc_objects, alloc_space,
/// inuse_objects, inuse_space), inuse_space by default as in Go, where inuse is what the window
/// allocated and the full GC induced at its end left alive.
/// </summary>
internal static class HeapEndpoint
{
    public const string Kind = "heap";

    public static Task HandleAsync(HttpContext context) => EndpointRunner.RunAsync(context, async (http, cancel) =>
    {
        var services = http.RequestServices;
        var options = services.GetRequiredService<HeapLensOptions>();
        var duration = RequestParameters.Seconds(http.Request, options);
        bool text = RequestParameters.Debug(http.Request);
        var target = services.GetRequiredService<ProfileTargets>().Resolve(RequestParameters.Pid(http.Request));
        using var exclusive = services.GetRequiredService<CaptureGate>().Enter(target.Id, SnapshotEndpoint.Kind); // it ends with a heap walk
        var profile = await CaptureInuseAsync(target, duration, options, cancel).ConfigureAwait(false);
        await ProfileResponse.WriteAsync(http, profile, Kind, text, cancel).ConfigureAwait(false);
    });

    /// <summary>
    /// A cancelled request (the client went away, the server stops) abandons the capture: its session ends
    /// at once, and the target pays for no closing heap walk whose answer nobody would read.
    /// </summary>
    private static async Task<Profile> CaptureInuseAsync(DotNetProcess target, TimeSpan duration, HeapLensOptions options, CancellationToken cancel)
    {
        var capture = await AllocationCapture.CaptureAsync(target.Id, duration,
            new AllocationCaptureOptions { TempDirectory = options.TempDirectory }, stop: CancellationToken.None, cancel).ConfigureAwait(false);
        cancel.ThrowIfCancellationRequested();
        if (capture.TargetExited && await TargetState.ExitsWithinAsync(target.Id, EndpointRunner.ExitGrace).ConfigureAwait(false))
            throw new HeapLensException($"process {target.Id} exited during the {duration.TotalSeconds:0} s recording");
        var inuse = capture.Conversion.Inuse;
        if (inuse is not { Available: true })
            throw new HttpProblem(503, $"no heap profile this time: {inuse?.Problem ?? "inuse was not recorded"}; try again, or use /debug/pprof/allocs");
        var profile = capture.Conversion.Profile;
        profile.DefaultSampleType = "inuse_space";
        return profile;
    }
}
