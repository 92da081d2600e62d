using HeapLens.Charts;
using HeapLens.Reports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace HeapLens.Web;

/// <summary>A monitor's GC timeline: the `trend` report, and the chart `trend` writes, drawn by the same code.</summary>
internal static class TimelineApi
{
    public static void Map(WebApplication app, TrendReport trend)
    {
        string json = ReportJson.Serialize(trend);
        // Shown through <img>: an SVG there runs no script, and its names are escaped by TimelineSvg.
        string svg = TimelineSvg.Render(trend.History, trend.Trend, TimelineSvg.Title(trend.ProcessName, trend.ProcessId));
        app.MapGet("/api/timeline/trend", () => Results.Text(json, "application/json; charset=utf-8"));
        app.MapGet("/api/timeline/chart.svg", () => Results.Text(svg, "image/svg+xml; charset=utf-8"));
    }
}
