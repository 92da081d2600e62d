using HeapLens.Reports;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace HeapLens.AspNetCore;

/// <summary>
/// /debug/heaplens/gc: the GC timeline of the target since it is watched and the floor-trend verdict,
/// as JSON (the <see cref="GcReport"/> model, in ReportJson's one JSON form).
/// </summary>
internal static class GcEndpoint
{
    public static Task HandleAsync(HttpContext context) => EndpointRunner.RunAsync(context, async (http, cancel) =>
    {
        var services = http.RequestServices;
        var options = services.GetRequiredService<HeapLensOptions>();
        var targets = services.GetRequiredService<ProfileTargets>();
        var target = targets.Resolve(RequestParameters.Pid(http.Request));
        var watched = await targets.Watcher.WatchAsync(target, cancel).ConfigureAwait(false);
        var report = watched.Report(options.Trend);
        http.Response.ContentType = "application/json; charset=utf-8";
        await System.Text.Json.JsonSerializer.SerializeAsync(http.Response.Body, report, ReportJson.Options, cancel).ConfigureAwait(false);
    });
}
