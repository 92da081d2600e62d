using System.Text;
using HeapLens.Charts;
using HeapLens.Reports;

namespace HeapLens.Cli.Views;

/// <summary>The GC timeline chart of `trend` and `monitor`, saved as an SVG file (drawn by <see cref="TimelineSvg"/>).</summary>
internal static class TimelineChart
{
    /// <summary>Writes the chart of a recorded timeline to <paramref name="path"/>.</summary>
    public static void Write(string path, TrendReport report) =>
        Write(path, TimelineSvg.Render(report.History, report.Trend, TimelineSvg.Title(report.ProcessName, report.ProcessId)));

    /// <summary>Writes the chart of a monitor run to <paramref name="path"/>.</summary>
    public static void Write(string path, MonitorReport report) =>
        Write(path, TimelineSvg.Render(report.History, report.Trend, TimelineSvg.Title(report.ProcessName, report.ProcessId)));

    // Through the one atomic save, so that a chart is whole or absent.
    private static void Write(string path, string svg) =>
        HeapLens.Formats.AtomicFile.Write(path, file => file.Write(new UTF8Encoding(false).GetBytes(svg)));
}
