using System.Net;
using System.Text;
using HeapLens.Collection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace HeapLens.AspNetCore;

/// <summary>
/// /debug/pprof/: the index, like Go's: what can be fetched, with links. For the agent, one row per
/// process it can attach to. A token given in the URL is carried into the links, so a browser can follow them.
/// Every name on the page comes from a process (hostile): it is made safe, then HTML-encoded.
/// The links are relative to the page, as Go's are, so they hold wherever the routes are mapped (a route
/// group, a PathBase, a reverse proxy that strips a prefix).
/// </summary>
internal static class IndexPage
{
    public static Task HandleAsync(HttpContext context) => EndpointRunner.RunAsync(context, async (http, cancel) =>
    {
        var targets = http.RequestServices.GetRequiredService<ProfileTargets>();
        var options = http.RequestServices.GetRequiredService<HeapLensOptions>();
        string? token = http.Request.Query["token"].FirstOrDefault();
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>/debug/pprof/</title></head><body>\n");
        page.Append("<h1>/debug/pprof/</h1>\n");
        page.Append("<p>HeapLens: allocation profiles (pprof), heap snapshots and GC trends of .NET processes. ");
        page.Append($"Profiles record for <code>seconds</code> (default {options.DefaultSeconds}, at most {options.MaxSeconds}); ");
        page.Append("<code>go tool pprof</code> reads them: <code>go tool pprof -top 'URL'</code>.</p>\n");
        page.Append("<table border=\"1\" cellpadding=\"4\"><tr><th>pid</th><th>name</th><th>profiles</th></tr>\n");
        // The page is /debug/pprof/, or /debug/pprof when asked without the slash (routing takes both):
        // the base of relative links is then /debug/, one level up.
        bool slash = http.Request.Path.Value?.EndsWith('/') == true;
        var links = new Links(slash ? "" : "pprof/", slash ? "../heaplens/" : "heaplens/");
        foreach (var process in targets.List())
            Row(page, process, targets.UsesPid, token, links);
        page.Append("</table>\n");
        page.Append("<p><b>allocs</b>: sampled allocations of the next N seconds by call stack (alloc_objects, alloc_space). ");
        page.Append("<b>heap</b>: inuse by allocation site. <b>snapshot</b>: every live object and reference (.heapsnap, for ");
        page.Append("<code>heaplens top/dominators/paths/diff</code>). <b>gc</b>: the GC timeline and the leak verdict (JSON).</p>\n");
        page.Append("</body></html>\n");
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.Headers["X-Content-Type-Options"] = "nosniff";
        await http.Response.WriteAsync(page.ToString(), cancel).ConfigureAwait(false);
    });

    /// <summary>How the page reaches /debug/pprof/X and /debug/heaplens/X from where it is.</summary>
    private readonly record struct Links(string Pprof, string HeapLens);

    private static void Row(StringBuilder page, DotNetProcess process, bool usesPid, string? token, Links links)
    {
        string Link(string path, string query)
        {
            var parts = new List<string>();
            if (usesPid)
                parts.Add($"pid={process.Id}");
            if (query.Length > 0)
                parts.Add(query);
            if (token is not null)
                parts.Add("token=" + Uri.EscapeDataString(token));
            string url = parts.Count == 0 ? path : path + "?" + string.Join('&', parts);
            return WebUtility.HtmlEncode(url);
        }
        page.Append($"<tr><td>{process.Id}</td><td>{WebUtility.HtmlEncode(SafeText.Of(process.Name))}</td><td>");
        page.Append($"<a href=\"{Link(links.Pprof + "allocs", "seconds=30")}\">allocs</a> ");
        page.Append($"(<a href=\"{Link(links.Pprof + "allocs", "seconds=30&debug=1")}\">text</a>) ");
        page.Append($"<a href=\"{Link(links.Pprof + "heap", "seconds=30")}\">heap</a> ");
        page.Append($"<a href=\"{Link(links.HeapLens + "snapshot", "")}\">snapshot</a> ");
        page.Append($"<a href=\"{Link(links.HeapLens + "gc", "")}\">gc</a>");
        page.Append("</td></tr>\n");
    }
}
