using System.Net;
using HeapLens.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace HeapLens.AspNetCore;

/// <summary>Who may call the endpoints: a heap holds the process's secrets.</summary>
public static class AccessChecks
{
    /// <summary>
    /// Every endpoint of <paramref name="builder"/> requires the token, as `Authorization: Bearer TOKEN`
    /// or `?token=TOKEN` (so `go tool pprof URL` works); anything else gets 401.
    /// </summary>
    public static TBuilder RequireHeapLensToken<TBuilder>(this TBuilder builder, AccessToken token) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            var inner = endpoint.RequestDelegate!;
            endpoint.RequestDelegate = context => Authorized(context.Request, token) ? inner(context) : UnauthorizedAsync(context);
        });
        return builder;
    }

    private static bool Authorized(HttpRequest request, AccessToken token)
    {
        // Both checked in full whatever the first says: the time taken does not tell which form was right.
        bool header = token.MatchesBearer(request.Headers.Authorization.FirstOrDefault());
        var query = request.Query["token"];
        bool inQuery = query.Count == 1 && token.Matches(query[0]);
        return header | inQuery;
    }

    private static Task UnauthorizedAsync(HttpContext context) =>
        PprofResponses.ErrorAsync(context, 401,
            "a token is required: Authorization: Bearer TOKEN or ?token=TOKEN (printed by heaplens serve at start)", wwwAuthenticate: "Bearer");

    /// <summary>
    /// In-process endpoints answer loopback callers only, unless the app protects them with its own
    /// authorization (RequireAuthorization, applied before or after this) or allows remote callers in
    /// <see cref="HeapLensOptions.AllowRemoteCallers"/>. Decided when the endpoints are built, after
    /// every convention the app added.
    /// </summary>
    internal static void LoopbackUnlessAuthorized(IEndpointConventionBuilder builder)
    {
        builder.Finally(endpoint =>
        {
            if (endpoint.Metadata.OfType<IAuthorizeData>().Any())
                return;
            var inner = endpoint.RequestDelegate!;
            endpoint.RequestDelegate = context =>
            {
                var options = context.RequestServices.GetRequiredService<HeapLensOptions>();
                if (options.AllowRemoteCallers || IsLoopback(context.Connection.RemoteIpAddress))
                    return inner(context);
                return PprofResponses.ErrorAsync(context, 403,
                    "HeapLens endpoints answer loopback callers only; protect them with RequireAuthorization(...) or set HeapLensOptions.AllowRemoteCallers");
            };
        });
    }

    // No address: an in-memory transport (TestServer, a Unix socket), which is local.
    private static bool IsLoopback(IPAddress? address) => address is null || IPAddress.IsLoopback(address);
}
