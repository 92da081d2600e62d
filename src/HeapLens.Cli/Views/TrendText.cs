using System.Globalization;
using HeapLens.Monitoring;
using HeapLens.Reports;
using Spectre.Console;

namespace HeapLens.Cli.Views;

/// <summary>How the floor trend reads in text: the rows `trend` and `monitor` share.</summary>
internal static class TrendText
{
    /// <summary>"+12.3 MB/min" with a sign, so a falling floor reads as one.</summary>
    public static string Slope(double bytesPerSecond) => HeapLens.Charts.TimelineSvg.Slope(bytesPerSecond);

    /// <summary>The slope's 95% interval, open-ended ends as infinities.</summary>
    public static string Interval(FloorTrend trend) =>
        $"95% CI {Slope(trend.FloorSlopeLowBytesPerSecond ?? double.NegativeInfinity)} to {Slope(trend.FloorSlopeHighBytesPerSecond ?? double.PositiveInfinity)}";

    public static string Source(FloorSource source) => source switch
    {
        FloorSource.FullGcs => "heap after full GCs",
        FloorSource.LowerEnvelope => "lowest heap after GC per window",
        _ => "none",
    };

    public static string Percent(double probability) =>
        (probability * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    /// <summary>The verdict, in red when it is a leak.</summary>
    public static string VerdictMarkup(FloorTrend trend) =>
        trend.Leak ? $"[red bold]{Markup.Escape(trend.Verdict)}[/]" : Markup.Escape(trend.Verdict);

    /// <summary>A two-column grid of facts, names on the left.</summary>
    public static Grid Facts()
    {
        var grid = new Grid();
        grid.AddColumn(new GridColumn().NoWrap().PadRight(2));
        grid.AddColumn();
        return grid;
    }
}
