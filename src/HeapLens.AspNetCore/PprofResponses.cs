using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace HeapLens.AspNetCore;

/// <summary>The response conventions of Go's net/http/pprof, which `go tool pprof` relies on.</summary>
internal static class PprofResponses
{
    /// <summary>
    /// An error as net/http/pprof writes it: text/plain with X-Go-Pprof: 1, so `go tool pprof` prints the
    /// message instead of trying to parse it as a profile.
    /// </summary>
    public static async Task ErrorAsync(HttpContext context, int statusCode, string message, string? wwwAuthenticate = null)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            // Bytes are out already: cutting the connection is the only way left to say the body is incomplete.
            context.Features.Get<IHttpResetFeature>()?.Reset(2); // INTERNAL_ERROR
            context.Abort();
            return;
        }
        response.Clear();
        response.StatusCode = statusCode;
        response.ContentType = "text/plain; charset=utf-8";
        response.Headers["X-Go-Pprof"] = "1";
        response.Headers["X-Content-Type-Options"] = "nosniff";
        if (wwwAuthenticate is not null)
            response.Headers.WWWAuthenticate = wwwAuthenticate;
        await response.WriteAsync(SafeText.Of(message.ReplaceLineEndings(" ").Trim()) + "\n", Encoding.UTF8, CancellationToken.None)
            .ConfigureAwait(false);
    }

    /// <summary>Headers of a binary download (Go: application/octet-stream, attachment, the profile's name).</summary>
    public static void Attachment(HttpResponse response, string fileName)
    {
        response.ContentType = "application/octet-stream";
        response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        response.Headers["X-Content-Type-Options"] = "nosniff";
    }

    public static void PlainText(HttpResponse response)
    {
        response.ContentType = "text/plain; charset=utf-8";
        response.Headers["X-Content-Type-Options"] = "nosniff";
    }
}
