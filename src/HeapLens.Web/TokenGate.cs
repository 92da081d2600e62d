using HeapLens.Security;
using Microsoft.AspNetCore.Http;

namespace HeapLens.Web;

/// <summary>
/// Lets a request through only with the access token: `?token=` on the first visit (answered with a
/// cookie and a redirect that drops the token from the address bar), then the cookie, or an
/// `Authorization: Bearer` header for scripts. Everything else gets 401.
/// </summary>
internal sealed class TokenGate(AccessToken token)
{
    public const string CookieName = "heaplens_token";

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (request.Query.TryGetValue("token", out var given) && token.Matches(given.ToString()))
        {
            context.Response.Cookies.Append(CookieName, token.Value, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = request.IsHttps,
                Path = "/",
                IsEssential = true,
            });
            // Only a page visit is redirected; an API call with ?token= is simply answered.
            if (request.Path == "/")
            {
                context.Response.Redirect("/");
                return;
            }
            await next(context);
            return;
        }
        if (token.Matches(request.Cookies[CookieName]) || token.MatchesBearer(request.Headers.Authorization.ToString()))
        {
            await next(context);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync("401: this HeapLens server needs its access token (open the URL it printed)\n");
    }
}
