using HeapLens.Analysis;
using HeapLens.Profiles;
using HeapLens.Reports;
using HeapLens.Snapshots;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace HeapLens.Web;

/// <summary>
/// A snapshot's reports over HTTP, each the same model (and defaults) as its CLI command. The overview's
/// reports are computed once, before the server starts, and kept: every visit is a lookup.
/// </summary>
internal static class SnapshotApi
{
    public static void Map(WebApplication app, string file, AnalyzedSnapshot analyzed)
    {
        var suspects = new Lazy<SuspectsReport>(() => SuspectsReport.Create(analyzed));
        var retainers = new Lazy<DominatorsReport>(() => DominatorsReport.Create(analyzed, 1, 1.0));
        var info = new Lazy<InfoReport>(() => InfoReport.Create(analyzed.Snapshot, new FileInfo(file).Length));
        // The overview is the first page anyone sees: computed before the server starts, then a lookup.
        _ = suspects.Value;
        _ = retainers.Value;

        // `top FILE -n N --by B`: the types table (the page asks for every type and sorts and filters itself).
        app.MapGet("/api/snapshot/top", (HttpRequest r) => Json.Of(TopReport.Create(analyzed,
            QueryValues.Enum(r, "by", TypeOrder.Shallow), QueryValues.Int(r, "n", 20, 1, int.MaxValue))));

        app.MapGet("/api/snapshot/suspects", () => Json.Of(suspects.Value));

        // `dominators --depth D --min-percent P`; the overview's biggest retainers are depth 1, 1 %.
        app.MapGet("/api/snapshot/dominators", (HttpRequest r) =>
        {
            int depth = QueryValues.Int(r, "depth", 6, 1, DominatorsReport.MaxDepth);
            double minPercent = QueryValues.Double(r, "minPercent", 1.0, 0, 100);
            return Json.Of(depth == 1 && minPercent == 1.0 ? retainers.Value : DominatorsReport.Create(analyzed, depth, minPercent));
        });

        app.MapGet("/api/snapshot/info", () => Json.Of(info.Value));

        // One page of a node's dominated children (no node: the GC roots' children); with a type, of that type's group.
        app.MapGet("/api/snapshot/children", (HttpRequest r) => Json.Of(DominatorChildrenReport.Create(analyzed,
            QueryValues.OptionalInt(r, "node", 0, int.MaxValue),
            QueryValues.Int(r, "offset", 0, 0, int.MaxValue),
            QueryValues.Int(r, "limit", DominatorChildrenReport.DefaultPageSize, 1, DominatorChildrenReport.MaxPageSize),
            QueryValues.OptionalInt(r, "type", 0, int.MaxValue))));

        // A node's children grouped by type, as `dominators` shows them: what the explorer opens first.
        app.MapGet("/api/snapshot/groups", (HttpRequest r) => Json.Of(DominatorGroupsReport.Create(analyzed,
            QueryValues.OptionalInt(r, "node", 0, int.MaxValue))));

        // The retention as a flame graph: `export`'s profile (root -> dominator path -> type), merged and
        // pruned like a profile's; built on the first visit, then kept.
        FlameApi.Map(app, "/api/snapshot/flame", new Lazy<FlameGraphs>(() => new FlameGraphs(file, RetentionProfile.Create(analyzed))),
            computeNow: false);

        // `paths --address A` or `paths --type T -n N`.
        app.MapGet("/api/snapshot/paths", (HttpRequest r) =>
        {
            string? address = QueryValues.Text(r, "address");
            string? type = QueryValues.Text(r, "type");
            if ((address is null) == (type is null))
                throw new HeapLensException("give exactly one of address or type");
            return Json.Of(address is not null
                ? PathsReport.ForAddress(analyzed, ObjectAddress.Parse(address))
                : PathsReport.ForType(analyzed, type!, QueryValues.Int(r, "n", 5, 1, 1000)));
        });
    }
}
