using System.Collections.Concurrent;
using HeapLens.Reports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace HeapLens.Web;

/// <summary>
/// A flame graph over HTTP: `ROUTE?sample=S` for the whole graph, with `&amp;frame=A&amp;frame=B...` (the
/// call path of names from a root) for the graph zoomed to one box, pruned at the box's own scale.
/// </summary>
internal static class FlameApi
{
    /// <param name="computeNow">The graph is the first page: its default view is computed before the server starts.</param>
    public static void Map(WebApplication app, string route, Lazy<FlameGraphs> graphs, bool computeNow)
    {
        // The whole graph of each sample type at the default pruning is serialized once: switching back is a lookup.
        var whole = new ConcurrentDictionary<string, Lazy<string>>(StringComparer.Ordinal);
        app.MapGet(route, (HttpRequest r) =>
        {
            string? sample = QueryValues.Text(r, "sample");
            double minShare = QueryValues.Double(r, "minShare", FlameGraphReport.DefaultMinShare, 0, 0.5);
            string[] focus = r.Query["frame"].Where(f => f is not null).ToArray()!;
            // Only the profile's own sample types are kept (a request cannot grow the cache); others get their 400.
            if (focus.Length > 0 || minShare != FlameGraphReport.DefaultMinShare || !graphs.Value.Has(sample))
                return Json.Of(graphs.Value.Create(sample, minShare, focus));
            return Results.Text(Whole(sample), "application/json; charset=utf-8");
        });
        if (computeNow)
            _ = Whole(null);

        string Whole(string? sample) =>
            whole.GetOrAdd(sample ?? "", _ => new Lazy<string>(() => ReportJson.Serialize(graphs.Value.Create(sample)))).Value;
    }
}
