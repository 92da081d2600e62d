using CsCheck;
using HeapLens.Analysis;
using Xunit;

namespace HeapLens.Tests.Monitoring;

public class TheilSenTests
{
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
        // A quarter of the points are wild; least squares would be dragged far off.
        Gen.Select(Gen.Double[-1000, 1000], Gen.Double[-50, 50], Gen.Int[0, int.MaxValue]).Sample((intercept, slope, seed) =>
        {
            var random = new Random(seed);
            var x = Enumerable.Range(0, 40).Select(i => (double)i).ToArray();
            var y = x.Select(v => intercept + slope * v).ToArray();
            for (int i = 0; i < 10; i++)
                y[random.Next(40)] += (random.NextDouble() - 0.5) * 1e6;
            var fit = TheilSen.Fit(x, y);
            return Math.Abs(fit.Slope - slope) <= Math.Max(1e-6, Math.Abs(slope) * 0.25 + 1);
        }, iter: 200);
    }

    [Fact]
    public void The_confidence_interval_holds_the_true_slope_of_noisy_data()
    {
        Gen.Select(Gen.Double[-20, 20], Gen.Int[0, int.MaxValue]).Sample((slope, seed) =>
        {
            var random = new Random(seed);
            var x = Enumerable.Range(0, 30).Select(i => (double)i).ToArray();
            var y = x.Select(v => slope * v + (random.NextDouble() - 0.5) * 10).ToArray();
            var fit = TheilSen.Fit(x, y);
            // Noise of ±5 over 30 points: the 95% interval must hold the truth nearly always;
            // allow a whisker so the property does not fail on its own 5%.
            return fit.SlopeLow - 0.5 <= slope && slope <= fit.SlopeHigh + 0.5 && fit.SlopeLow <= fit.Slope && fit.Slope <= fit.SlopeHigh;
        }, iter: 200);
    }
}
