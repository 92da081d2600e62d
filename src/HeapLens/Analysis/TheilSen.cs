namespace HeapLens.Analysis;

/// <summary>A robust straight-line fit and how sure it is that the line rises.</summary>
/// <param name="Slope">Median of all pairwise slopes (units of y per unit of x).</param>
/// <param name="Intercept">Median of y - Slope·x: the line is y = Intercept + Slope·x.</param>
/// <param name="SlopeLow">Lower end of the slope's 95% confidence interval (Sen's method).</param>
/// <param name="SlopeHigh">Upper end of the slope's 95% confidence interval.</param>
/// <param name="RisingProbability">
/// One minus the one-sided p-value of the Mann-Kendall test for an upward trend: near 1 when
/// nearly every later point is higher than every earlier one, 0.5 for no trend, near 0 for a fall.
/// </param>
public readonly record struct LineFit(double Slope, double Intercept, double SlopeLow, double SlopeHigh, double RisingProbability)
{
    public double At(double x) => Intercept + Slope * x;
}

/// <summary>
/// Theil-Sen regression: the slope is the median of the slopes between every pair of points, so
/// up to 29% of the points can be wild (a one-off spike, a cache flush) without moving it.
/// Least squares would follow them. O(n² log n): callers keep n to a few hundred points.
/// </summary>
public static class TheilSen
{
    private const double Z95TwoSided = 1.959964;

    public static LineFit Fit(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count)
            throw new ArgumentException("x and y differ in length");
        int n = x.Count;
        if (n < 2)
            throw new ArgumentException("a line needs at least two points");

        var slopes = new List<double>(n * (n - 1) / 2);
        long concordance = 0; // Mann-Kendall S: rising pairs minus falling pairs
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                double dx = x[j] - x[i];
                double dy = y[j] - y[i];
                if (dx == 0)
                    continue;
                slopes.Add(dy / dx);
                concordance += Math.Sign(dy) * Math.Sign(dx);
            }
        }
        if (slopes.Count == 0)
            throw new ArgumentException("all points share one x");
        slopes.Sort();
        double slope = Median(slopes);

        var residuals = new double[n];
        for (int i = 0; i < n; i++)
            residuals[i] = y[i] - slope * x[i];
        Array.Sort(residuals);
        double intercept = Median(residuals);

        // Variance of S under "no trend" (ties among y ignored: they only make the test cautious).
        double varianceS = n * (n - 1.0) * (2.0 * n + 5.0) / 18.0;
        double sd = Math.Sqrt(varianceS);

        // Sen's confidence interval: with C = z·sd, the (N - C)/2-th and ((N + C)/2 + 1)-th of the
        // N sorted slopes (1-based ranks).
        double c = Z95TwoSided * sd;
        int count = slopes.Count;
        int lowRank = (int)Math.Round((count - c) / 2) - 1;
        int highRank = (int)Math.Round((count + c) / 2);
        double low = lowRank >= 0 ? slopes[Math.Min(lowRank, count - 1)] : double.NegativeInfinity;
        double high = highRank < count ? slopes[Math.Max(highRank, 0)] : double.PositiveInfinity;

        // Continuity-corrected normal approximation of the Mann-Kendall test.
        double z = concordance == 0 ? 0 : (concordance - Math.Sign(concordance)) / sd;
        return new LineFit(slope, intercept, low, high, NormalCdf(z));
    }

    private static double Median(IReadOnlyList<double> sorted)
    {
        int mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>Standard normal CDF via erf (Abramowitz and Stegun 7.1.26, error below 1.5e-7).</summary>
    internal static double NormalCdf(double z)
    {
        double t = Math.Abs(z) / Math.Sqrt(2);
        double k = 1 / (1 + 0.3275911 * t);
        double erf = 1 - (((((1.061405429 * k - 1.453152027) * k) + 1.421413741) * k - 0.284496736) * k + 0.254829592) * k * Math.Exp(-t * t);
        return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
    }
}
