using System.Net;
using System.Net.Sockets;
using HeapLens.Reports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HeapLens.Web;

/// <summary>
/// The `heaplens web` server: Kestrel with minimal APIs, the page from embedded resources, every request
/// behind the access token. Start it, print <see cref="Url"/>, await <see cref="WaitAsync"/>.
/// </summary>
public sealed class WebServer : IAsyncDisposable
{
    // Scripts only from the page's own origin and no inline code: a name that slipped through as markup
    // still could not run.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private readonly WebApplication _app;
    private readonly WebServerOptions _options;

    private WebServer(WebApplication app, WebServerOptions options, Uri baseUri)
    {
        _app = app;
        _options = options;
        BaseUri = baseUri;
    }

    /// <summary>http://ADDRESS:PORT/ as bound (the real port when the system picked it).</summary>
    public Uri BaseUri { get; }

    /// <summary>The address to open: the base with the token, which the first visit trades for a cookie.</summary>
    public string Url => $"{BaseUri}?token={_options.Token.Value}";

    /// <exception cref="HeapLensException">The port is in use or the address cannot be bound.</exception>
    public static async Task<WebServer> StartAsync(WebContent content, WebServerOptions options, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(UnwatchedHost.Options());
        builder.Logging.ClearProviders(); // stdout carries one line, the URL
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(options.Address, options.Port));
        builder.Services.AddRouting();
        var app = builder.Build();
        var gate = new TokenGate(options.Token);
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-store";
            await gate.InvokeAsync(context, _ => RunEndpoint(context, next));
        });
        MapEndpoints(app, content);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new HeapLensException($"port {options.Port} on {options.Address} is in use (choose another with --port, or leave it out for a free one)");
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new HeapLensException($"cannot listen on {options.Address}:{options.Port}: {e.Message}");
        }
        string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new UriBuilder(bound) { Path = "/" }.Uri;
        return new WebServer(app, options, uri);
    }

    public Task WaitAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    // Bad input in a request (a node that does not exist, a malformed regex) is a 400 with one line.
    private static async Task RunEndpoint(HttpContext context, Func<Task> next)
    {
        try
        {
            await next();
        }
        catch (HeapLensException e) when (!context.Response.HasStarted)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(ReportJson.Serialize(new WebError(SafeText.Of(e.Message))));
        }
    }

    private static void MapEndpoints(WebApplication app, WebContent content)
    {
        app.MapGet("/", () => EmbeddedAssets.Serve("index.html"));
        app.MapGet("/app.js", () => EmbeddedAssets.Serve("app.js"));
        app.MapGet("/app.css", () => EmbeddedAssets.Serve("app.css"));
        app.MapGet("/api/session", () => Json.Of(new WebSession(content.Kind, content.Files)));
        switch (content.Kind)
        {
            case WebContentKind.Snapshot:
                SnapshotApi.Map(app, content.Files[0], content.Snapshot!);
                break;
            case WebContentKind.Diff:
                SnapshotApi.Map(app, content.Files[1], content.Snapshot!);
                DiffApi.Map(app, content.BaseSnapshot!, content.Snapshot!);
                break;
            case WebContentKind.Profile:
                ProfileApi.Map(app, content.Files[0], content.Profile!);
                break;
            case WebContentKind.ProfileDiff:
                ProfileApi.Map(app, content.Files[1], content.Profile!, content.Profiles);
                break;
            case WebContentKind.Timeline:
                TimelineApi.Map(app, content.Trend!);
                break;
        }
    }
}
