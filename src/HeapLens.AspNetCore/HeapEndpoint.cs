using HeapLens.Collection;
using HeapLens.Profiles;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace HeapLens.AspNetCore;

/// <summary>
/// /debug/pprof/heap?seconds=N: Go's heap profile, inuse_space and inuse_objects by allocation site,
/// after a GC at the end of N seconds. Everything but the capture itself is in place; until the inuse
/// capture exists the answer is 501.
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

    /// <summary>The one call to replace when the inuse-by-allocation-site capture lands in the library.</summary>
    private static Task<Profile> CaptureInuseAsync(DotNetProcess target, TimeSpan duration, HeapLensOptions options, CancellationToken cancel) =>
        throw new HttpProblem(501,
            "heap profile (inuse by allocation site) is not available in this build yet; use /debug/pprof/allocs for allocations " +
            "or /debug/heaplens/snapshot for what is alive");
}
