using System.Globalization;
using System.Text;
using HeapLens.Monitoring;
using HeapLens.Reports;

namespace HeapLens.Charts;

/// <summary>
/// Draws a GC timeline as SVG: the heap before each GC (how high it climbs), the heap after
/// (where it falls back to), full GCs, the floor points and the fitted floor line. SVG needs no
/// native library and opens in every browser. A view of the `trend` and `monitor` reports, drawn
/// from their history and trend alone: the file `trend` and `monitor` write, and the web UI's chart.
/// </summary>
public static class TimelineSvg
{
    private const int Width = 960;
    private const int Height = 480;
    private const int Left = 80;
    private const int Right = 24;
    private const int Top = 48;
    private const int Bottom = 64;
    private const string BeforeColor = "#f28e2b";
    private const string AfterColor = "#4e79a7";
    private const string FullGcColor = "#e15759";
    private const string FloorColor = "#2ca02c";

    public static string Title(string processName, int processId) => $"GC timeline of {processName} (pid {processId})";

    public static string Render(IReadOnlyList<GcBucketRow> buckets, FloorTrend trend, string title)
    {
        double maxSeconds = Math.Max(1, buckets.Count > 0 ? buckets[^1].EndSeconds : 1);
        double maxBytes = Math.Max(1, buckets.Count > 0 ? buckets.Max(b => Math.Max(b.MaxBeforeBytes, b.MaxAfterBytes)) : 1);
        var x = new Axis(0, maxSeconds, Left, Width - Right);
        var yTicks = NiceTicks(maxBytes / Mb);
        var y = new Axis(0, yTicks[^1] * Mb, Height - Bottom, Top);

        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append(Invariant($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n"));
        svg.Append(Invariant($"<text x=\"{Left}\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{Escape(title)}</text>\n"));
        svg.Append(Invariant($"<text x=\"{Left}\" y=\"38\" fill=\"#555\">{Escape(Verdict(trend))}</text>\n"));

        // The warm-up (and, with --window, the older past): left out of the analysis, shaded so the
        // reader sees which GCs the verdict rests on.
        if (trend.AnalysedFromSeconds > 0)
        {
            double warmEnd = x.Map(Math.Min(trend.AnalysedFromSeconds, maxSeconds));
            svg.Append(Invariant($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{warmEnd - Left:0.#}\" height=\"{Height - Top - Bottom}\" fill=\"#eee\"/>\n"));
            svg.Append(Invariant($"<text x=\"{Left + 4}\" y=\"{Top + 14}\" fill=\"#888\">not analysed</text>\n"));
        }
        DrawAxes(svg, x, y, yTicks, NiceTicks(maxSeconds));

        // The heap climbs with allocations to its height before a GC and drops to what the GC leaves:
        // a zigzag through before and after shows the sawtooth itself. Heap-after gets its own line.
        svg.Append(Polyline(buckets.SelectMany(b => new[]
        {
            (x.Map(b.StartSeconds), y.Map(b.MaxBeforeBytes)),
            (x.Map(b.MinAfterSeconds), y.Map(b.MinAfterBytes)),
        }), BeforeColor, 1));
        svg.Append(Polyline(buckets.Select(b => (x.Map(b.MinAfterSeconds), y.Map(b.MinAfterBytes))), AfterColor, 1.8));
        foreach (var b in buckets)
            if (b is { MinFullAfterSeconds: double fullAt, MinFullAfterBytes: long fullAfter })
                svg.Append(Invariant($"<circle cx=\"{x.Map(fullAt):0.#}\" cy=\"{y.Map(fullAfter):0.#}\" r=\"3\" fill=\"{FullGcColor}\"/>\n"));
        foreach (var point in trend.FloorPoints)
            svg.Append(Invariant($"<circle cx=\"{x.Map(point.Seconds):0.#}\" cy=\"{y.Map(point.Bytes):0.#}\" r=\"5\" fill=\"none\" stroke=\"{FloorColor}\" stroke-width=\"2\"/>\n"));
        if (trend.Pattern != TrendPattern.Unknown)
        {
            double from = trend.AnalysedFromSeconds, to = trend.AnalysedToSeconds;
            svg.Append(Invariant($"<line x1=\"{x.Map(from):0.#}\" y1=\"{y.Map(trend.FittedFloorAt(from)):0.#}\" x2=\"{x.Map(to):0.#}\" y2=\"{y.Map(trend.FittedFloorAt(to)):0.#}\" stroke=\"{FloorColor}\" stroke-width=\"2.5\" stroke-dasharray=\"8 4\"/>\n"));
        }
        DrawLegend(svg);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private const double Mb = 1024 * 1024;

    private static void DrawAxes(StringBuilder svg, Axis x, Axis y, double[] yTicksMb, double[] xTicks)
    {
        foreach (double mb in yTicksMb)
        {
            double py = y.Map(mb * Mb);
            svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{py:0.#}\" x2=\"{Width - Right}\" y2=\"{py:0.#}\" stroke=\"#ddd\"/>\n"));
            svg.Append(Invariant($"<text x=\"{Left - 6}\" y=\"{py + 4:0.#}\" text-anchor=\"end\">{mb:0.##} MB</text>\n"));
        }
        foreach (double seconds in xTicks.Where(s => s <= x.Max))
        {
            double px = x.Map(seconds);
            svg.Append(Invariant($"<line x1=\"{px:0.#}\" y1=\"{Height - Bottom}\" x2=\"{px:0.#}\" y2=\"{Height - Bottom + 5}\" stroke=\"#333\"/>\n"));
            svg.Append(Invariant($"<text x=\"{px:0.#}\" y=\"{Height - Bottom + 18}\" text-anchor=\"middle\">{seconds:0.##}</text>\n"));
        }
        svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\" stroke=\"#333\"/>\n"));
        svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Height - Bottom}\" stroke=\"#333\"/>\n"));
        svg.Append(Invariant($"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - Bottom + 34}\" text-anchor=\"middle\">seconds since the monitor started</text>\n"));
    }

    private static void DrawLegend(StringBuilder svg)
    {
        (string Label, string Color, bool Dot, bool Dashed)[] entries =
        [
            ("heap, up to each GC and down", BeforeColor, false, false),
            ("heap after GC", AfterColor, false, false),
            ("after a full GC", FullGcColor, true, false),
            ("fitted floor", FloorColor, false, true),
        ];
        double lx = Left;
        const double ly = Height - 8;
        foreach (var (label, color, dot, dashed) in entries)
        {
            if (dot)
                svg.Append(Invariant($"<circle cx=\"{lx + 9}\" cy=\"{ly - 4}\" r=\"3\" fill=\"{color}\"/>\n"));
            else
                svg.Append(Invariant($"<line x1=\"{lx}\" y1=\"{ly - 4}\" x2=\"{lx + 18}\" y2=\"{ly - 4}\" stroke=\"{color}\" stroke-width=\"2.5\"{(dashed ? " stroke-dasharray=\"6 3\"" : "")}/>\n"));
            svg.Append(Invariant($"<text x=\"{lx + 24}\" y=\"{ly}\">{label}</text>\n"));
            lx += 40 + label.Length * 7;
        }
    }

    private static string Polyline(IEnumerable<(double X, double Y)> points, string color, double width)
    {
        var text = new StringBuilder();
        foreach (var (px, py) in points)
            text.Append(Invariant($"{px:0.#},{py:0.#} "));
        return Invariant($"<polyline points=\"{text.ToString().TrimEnd()}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"{width}\" stroke-linejoin=\"round\"/>\n");
    }

    /// <summary>Round tick values (1, 2 or 5 times a power of ten) from 0 up past <paramref name="max"/>.</summary>
    internal static double[] NiceTicks(double max)
    {
        if (max <= 0)
            return [0, 1];
        double rough = max / 5;
        double power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double ratio = rough / power;
        double step = power * (ratio <= 1 ? 1 : ratio <= 2 ? 2 : ratio <= 5 ? 5 : 10);
        int count = (int)Math.Ceiling(max / step);
        return Enumerable.Range(0, count + 1).Select(i => i * step).ToArray();
    }

    private static string Verdict(FloorTrend trend) => trend.Pattern == TrendPattern.Unknown
        ? "verdict: unknown, " + trend.Reason
        : Invariant($"verdict: {trend.Verdict}; floor {Slope(trend.FloorSlopeBytesPerSecond)}");

    /// <summary>"+12.3 MB/min" with a sign, so a falling floor reads as one (the text views say it the same way).</summary>
    public static string Slope(double bytesPerSecond)
    {
        double mbPerMinute = bytesPerSecond * 60 / (1024 * 1024);
        return (mbPerMinute >= 0 ? "+" : "") + mbPerMinute.ToString("0.00", CultureInfo.InvariantCulture) + " MB/min";
    }

    private static string Escape(string text) =>
        text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private readonly record struct Axis(double Min, double Max, double From, double To)
    {
        public double Map(double value) => From + (value - Min) / (Max - Min) * (To - From);
    }
}
