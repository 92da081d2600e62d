using HeapLens.Analysis;
using HeapLens.Reports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace HeapLens.Web;

/// <summary>`diff BASE NEW --by type|retainer`: the same models and defaults as the CLI.</summary>
internal static class DiffApi
{
    public static void Map(WebApplication app, AnalyzedSnapshot before, AnalyzedSnapshot after)
    {
        app.MapGet("/api/diff/types", (HttpRequest r) => Json.Of(DiffReport.ByType(before, after,
            QueryValues.Enum(r, "sort", TypeOrder.Retained), QueryValues.Int(r, "n", 20, 1, int.MaxValue))));
        // Every retainer of both snapshots, matched: computed on the first visit, then kept for the pair.
        var growth = new Lazy<IReadOnlyList<RetainerChange>>(() => RetainerDiff.Growth(before, after));
        app.MapGet("/api/diff/retainers", (HttpRequest r) => Json.Of(DiffReport.ByRetainer(before, after, growth.Value,
            QueryValues.Int(r, "n", 20, 1, int.MaxValue))));
    }
}
