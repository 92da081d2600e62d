using CsCheck;
using HeapLens.Analysis;
using Xunit;

namespace HeapLens.Tests.Monitoring;

public class TheilSenTests
{
    /// <summary>
    /// Every output of the fit against values computed by hand (an independent script: all pairwise slopes
    /// sorted, Sen's ranks, Mann-Kendall's S with exact erf): an even and an odd number of slopes, an interval
    /// that runs off both ends, one inside the slopes, and one whose ends are the first and last slope (five
    /// points: Sen's lower rank is exactly the first). The erf approximation is good to 1.5e-7.
    /// </summary>
    [Theory]
    [InlineData(new double[] { 0, 1, 3, 7 }, 13.0 / 6, -7.0 / 12, double.NegativeInfinity, double.PositiveInfinity, 0.9552853204855032)]
    [InlineData(new double[] { 3, 1, 4, 1, 5, 9, 2, 6, 5, 3 }, 1.0 / 3, 8.0 / 3, -0.5, 5.0 / 6, 0.837410259950836)]
    [InlineData(new double[] { 10, 12, 11, 15, 14, 18, 17, 21, 20, 24, 23, 27 }, 1.5, 10.25, 1.25, 11.0 / 7, 0.999918862216762)]
    [InlineData(new double[] { 2, 7, 1, 8, 3 }, 0.375, 2.0, -6.0, 7.0, 0.5967520297463299)]
    public void Every_output_matches_a_hand_computation(double[] y, double slope, double intercept, double low, double high, double rising)
    {
        var x = Enumerable.Range(0, y.Length).Select(i => (double)i).ToArray();
        var fit = TheilSen.Fit(x, y);
        Assert.Equal(slope, fit.Slope, 1e-12);
        Assert.Equal(intercept, fit.Intercept, 1e-12);
        Assert.Equal(low, fit.SlopeLow, 1e-12);
        Assert.Equal(high, fit.SlopeHigh, 1e-12);
        Assert.Equal(rising, fit.RisingProbability, 1e-6);
    }

    [Fact]
    public void Two_points_are_a_line_and_fewer_or_one_x_are_refused()
    {
        var fit = TheilSen.Fit([0, 2], [1, 5]);
        Assert.Equal((2.0, 1.0), (fit.Slope, fit.Intercept));
        Assert.Equal(7.0, fit.At(3));
        Assert.Equal("x and y differ in length", Assert.Throws<ArgumentException>(() => TheilSen.Fit([0, 1], [1])).Message);
        Assert.Equal("a line needs at least two points", Assert.Throws<ArgumentException>(() => TheilSen.Fit([0], [1])).Message);
        Assert.Equal("all points share one x", Assert.Throws<ArgumentException>(() => TheilSen.Fit([4, 4, 4], [1, 2, 3])).Message);
    }

    [Fact]
    public void Recovers_an_exact_line()
    {
        double[] x = [0, 1, 2, 3, 4, 5, 6];
        var y = x.Select(v => 10 + 3 * v).ToArray();
        var fit = TheilSen.Fit(x, y);
        Assert.Equal(3, fit.Slope, 9);
        Assert.Equal(10, fit.Intercept, 9);
        Assert.True(fit.RisingProbability > 0.99);
    }

    [Fact]
    public void A_constant_series_has_no_trend()
    {
        double[] x = [0, 1, 2, 3, 4, 5, 6, 7];
        var y = x.Select(_ => 42.0).ToArray();
        var fit = TheilSen.Fit(x, y);
        Assert.Equal(0, fit.Slope);
        Assert.Equal(0.5, fit.RisingProbability, 6);
    }

    [Fact]
    public void A_falling_series_is_surely_not_rising()
    {
        double[] x = [0, 1, 2, 3, 4, 5, 6, 7];
        var fit = TheilSen.Fit(x, x.Select(v => 100 - 5 * v).ToArray());
        Assert.Equal(-5, fit.Slope, 9);
        Assert.True(fit.RisingProbability < 0.01);
    }

    [Fact]
    public void Four_rising_points_are_enough_for_95_percent_but_three_are_not()
    {
        Assert.True(TheilSen.Fit([0, 1, 2, 3], [1, 2, 3, 4]).RisingProbability >= 0.95);
        Assert.True(TheilSen.Fit([0, 1, 2], [1, 2, 3]).RisingProbability < 0.95);
    }

    [Fact]
    public void Normal_cdf_matches_known_values()
    {
        Assert.Equal(0.5, TheilSen.NormalCdf(0), 6);
        Assert.Equal(0.975, TheilSen.NormalCdf(1.959964), 4);
        Assert.Equal(0.05, TheilSen.NormalCdf(-1.644854), 4);
    }

    [Fact]
    public void Outliers_do_not_move_the_slope()
    {
        // A quarter of the points are wild; least squares would be dragged far off. At least 30 of
        // the 40 points are exact, so at least 435 of the 780 pairwise slopes are the true slope: the
        // median is one of them, exact but for rounding (worst seen over 2,000 seeds: 6e-18 of the
        // scale below). The tolerance is that rounding, not a statistical allowance.
        Gen.Select(Gen.Double[-1000, 1000], Gen.Double[-50, 50], Gen.Int[0, int.MaxValue]).Sample((intercept, slope, seed) =>
        {
            var random = new Random(seed);
            var x = Enumerable.Range(0, 40).Select(i => (double)i).ToArray();
            var y = x.Select(v => intercept + slope * v).ToArray();
            for (int i = 0; i < 10; i++)
                y[random.Next(40)] += (random.NextDouble() - 0.5) * 1e6;
            var fit = TheilSen.Fit(x, y);
            double scale = 1 + Math.Abs(intercept) + 40 * Math.Abs(slope);
            return Math.Abs(fit.Slope - slope) <= 1e-12 * scale;
        }, iter: 200);
    }

    [Fact]
    public void The_95_percent_interval_holds_the_true_slope_95_times_in_100()
    {
        // 2,000 noisy lines (uniform noise of +-5 on 30 points, fixed seeds). A right 95% interval
        // covers the true slope in Binomial(2000, 0.95) of them: mean 1,900, sd 9.7. The bounds are
        // 4 sd either side (a correct interval fails them with probability below 1e-4 on another
        // seed set; on these seeds it covers 1,917). A zero-width interval covers none; one twice
        // too wide covers nearly all: both fail.
        const int lines = 2000;
        int covered = 0;
        for (int seed = 0; seed < lines; seed++)
        {
            var random = new Random(seed);
            double slope = random.NextDouble() * 40 - 20;
            var x = Enumerable.Range(0, 30).Select(i => (double)i).ToArray();
            var y = x.Select(v => slope * v + (random.NextDouble() - 0.5) * 10).ToArray();
            var fit = TheilSen.Fit(x, y);
            Assert.True(fit.SlopeLow <= fit.Slope && fit.Slope <= fit.SlopeHigh);
            if (fit.SlopeLow <= slope && slope <= fit.SlopeHigh)
                covered++;
        }
        Assert.InRange(covered, 1861, 1939);
    }
}
