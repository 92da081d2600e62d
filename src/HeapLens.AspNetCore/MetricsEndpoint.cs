using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace HeapLens.AspNetCore;

/// <summary>/metrics: the GC counters of every watched process for Prometheus.</summary>
internal static class MetricsEndpoint
{
    public static Task HandleAsync(HttpContext context) => EndpointRunner.RunAsync(context, async (http, cancel) =>
    {
        var services = http.RequestServices;
        var options = services.GetRequiredService<HeapLensOptions>();
        var watcher = services.GetRequiredService<ProfileTargets>().Watcher;
        var counters = watcher.Watched.Select(w => w.Counters(options.Trend)).ToList();
        http.Response.ContentType = PrometheusText.ContentType;
        await http.Response.WriteAsync(PrometheusText.Write(counters), cancel).ConfigureAwait(false);
    });
}
