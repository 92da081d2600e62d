using HeapLens.Collection;
using HeapLens.Formats.HeapSnap;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace HeapLens.AspNetCore;

/// <summary>
/// /debug/heaplens/snapshot: a complete heap snapshot of the target (a .heapsnap download, the same
/// bytes as `heaplens snapshot` writes), streamed to the client as it is encoded. One per process at a
/// time (429 while one runs, also when another heaplens is walking the same process).
/// </summary>
internal static class SnapshotEndpoint
{
    public const string Kind = "snapshot";

    public static Task HandleAsync(HttpContext context) => EndpointRunner.RunAsync(context, async (http, cancel) =>
    {
        var services = http.RequestServices;
        var options = services.GetRequiredService<HeapLensOptions>();
        var target = services.GetRequiredService<ProfileTargets>().Resolve(RequestParameters.Pid(http.Request));
        using var exclusive = services.GetRequiredService<CaptureGate>().Enter(target.Id, Kind);
        var capture = new HeapCaptureOptions { Timeout = options.SnapshotTimeout, TempDirectory = options.TempDirectory };
        var snapshot = await HeapSnapshotCollector.CaptureAsync(target, capture, null, cancel).ConfigureAwait(false);

        var response = http.Response;
        PprofResponses.Attachment(response, $"{target.Id}.heapsnap");
        // The writer is synchronous (it writes the sections in order to any stream): let it write to the
        // response from a pool thread rather than buffer a snapshot of hundreds of MB.
        http.Features.Get<IHttpBodyControlFeature>()!.AllowSynchronousIO = true;
        await Task.Run(() => HeapSnapFile.Write(snapshot, response.Body), cancel).ConfigureAwait(false);
    });
}
