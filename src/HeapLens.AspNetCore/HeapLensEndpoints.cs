using HeapLens.Collection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace HeapLens.AspNetCore;

/// <summary>
/// `builder.Services.AddHeapLens()` and `app.MapHeapLens()`: Go's net/http/pprof for an ASP.NET Core app.
/// The same handlers serve `heaplens serve` (<see cref="AddHeapLensAgent"/>), which adds ?pid= and /metrics.
/// </summary>
public static class HeapLensEndpoints
{
    /// <summary>The app profiles itself (through its own diagnostics port).</summary>
    public static IServiceCollection AddHeapLens(this IServiceCollection services, Action<HeapLensOptions>? configure = null)
    {
        AddCommon(services, configure);
        services.TryAddSingleton<ProfileTargets>(s => new SelfTarget(s.GetRequiredService<HeapLensOptions>()));
        services.AddHostedService<WatcherService>(); // only stops the app's own GC session at shutdown
        return services;
    }

    /// <summary>
    /// The agent: the processes of this machine (or only <paramref name="only"/>, or only those named
    /// <paramref name="name"/>), watched for /metrics from the start.
    /// </summary>
    public static IServiceCollection AddHeapLensAgent(this IServiceCollection services, DotNetProcess? only = null,
        string? name = null, Action<HeapLensOptions>? configure = null)
    {
        AddCommon(services, configure);
        services.TryAddSingleton<ProfileTargets>(s => new MachineTargets(s.GetRequiredService<HeapLensOptions>(), only, name));
        services.AddHostedService<WatcherService>();
        return services;
    }

    private static void AddCommon(IServiceCollection services, Action<HeapLensOptions>? configure)
    {
        var options = new HeapLensOptions();
        configure?.Invoke(options);
        if (options.DefaultSeconds <= 0 || options.MaxSeconds < options.DefaultSeconds)
            throw new ArgumentException("HeapLensOptions: DefaultSeconds must be positive and no larger than MaxSeconds");
        services.TryAddSingleton(options);
        services.TryAddSingleton<CaptureGate>();
    }

    /// <summary>
    /// Maps /debug/pprof/, /debug/pprof/allocs, /debug/pprof/heap, /debug/heaplens/snapshot and
    /// /debug/heaplens/gc. In-process, they answer loopback callers only unless the app adds its own
    /// authorization to the returned builder (`.RequireAuthorization(...)`) or allows remote callers.
    /// </summary>
    public static IEndpointConventionBuilder MapHeapLens(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("");
        group.MapGet("/debug/pprof/", IndexPage.HandleAsync);
        group.MapGet("/debug/pprof/allocs", AllocsEndpoint.HandleAsync);
        group.MapGet("/debug/pprof/heap", HeapEndpoint.HandleAsync);
        group.MapGet("/debug/pprof/{*profile}", UnknownProfileAsync);
        group.MapGet("/debug/heaplens/snapshot", SnapshotEndpoint.HandleAsync);
        group.MapGet("/debug/heaplens/gc", GcEndpoint.HandleAsync);
        if (endpoints.ServiceProvider.GetRequiredService<ProfileTargets>() is SelfTarget)
            AccessChecks.LoopbackUnlessAuthorized(group);
        return group;
    }

    /// <summary>/metrics: Prometheus text for the watched processes.</summary>
    public static IEndpointConventionBuilder MapHeapLensMetrics(this IEndpointRouteBuilder endpoints, string pattern = "/metrics") =>
        endpoints.MapGet(pattern, MetricsEndpoint.HandleAsync);

    private static Task UnknownProfileAsync(HttpContext context) =>
        PprofResponses.ErrorAsync(context, 404, "Unknown profile");

    /// <summary>Starts the watcher with the host and stops every session with it.</summary>
    private sealed class WatcherService(ProfileTargets targets) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            // The agent scans from the start (for /metrics); the app watches itself only once asked.
            if (targets is MachineTargets)
                targets.Watcher.Start();
            return Task.CompletedTask;
        }

        public async Task StopAsync(CancellationToken cancellationToken) => await targets.Watcher.DisposeAsync().ConfigureAwait(false);
    }
}
