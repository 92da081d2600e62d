using Xunit;
using CsCheck;
using HeapLens.Profiles;

namespace HeapLens.Tests.Profiles;

public sealed class AllocationEstimatorTests
{
    [Fact]
    public void A_one_byte_object_stands_for_one_over_p_objects() =>
        Assert.Equal(102400, AllocationEstimator.ObjectsPerSample(1), precision: 6);

    [Fact]
    public void A_sample_without_a_size_stands_for_one_object_and_no_bytes() =>
        Assert.Equal((1.0, 0.0), (AllocationEstimator.ObjectsPerSample(0), AllocationEstimator.BytesPerSample(0)));

    [Fact]
    public void A_huge_object_stands_for_itself()
    {
        Assert.Equal(1, AllocationEstimator.ObjectsPerSample(100 << 20), precision: 9);
        Assert.Equal(100 << 20, AllocationEstimator.BytesPerSample(100 << 20), precision: 3);
    }

    [Fact]
    public void Matches_the_documented_formula_for_typical_sizes()
    {
        const double q = 1 - 1.0 / 102400;
        foreach (long size in new long[] { 24, 1024, 85_000, 1 << 20 })
            Assert.Equal(1 / (1 - Math.Pow(q, size)), AllocationEstimator.ObjectsPerSample(size), 1e-9 * AllocationEstimator.ObjectsPerSample(size));
    }

    [Fact]
    public void Another_period_follows_the_same_formula_with_its_own_p()
    {
        const long period = 512 * 1024; // Go's default MemProfileRate
        const double q = 1 - 1.0 / period;
        foreach (long size in new long[] { 1, 24, 1024, 1 << 20 })
        {
            double expected = 1 / (1 - Math.Pow(q, size));
            Assert.Equal(expected, AllocationEstimator.ObjectsPerSample(size, period), 1e-9 * expected);
        }
        Assert.Equal(AllocationEstimator.ObjectsPerSample(1024), AllocationEstimator.ObjectsPerSample(1024, AllocationEstimator.SamplingPeriodBytes));
    }

    [Fact]
    public void With_another_period_a_sample_without_a_size_or_of_a_period_of_one_byte_is_one_object()
    {
        Assert.Equal(1.0, AllocationEstimator.ObjectsPerSample(0, 4096));
        Assert.Equal(1.0, AllocationEstimator.ObjectsPerSample(-8, 4096));
        Assert.Equal(1.0, AllocationEstimator.ObjectsPerSample(24, 1)); // every byte sampled
        Assert.Equal(1.0, AllocationEstimator.ObjectsPerSample(24, 0)); // no period: the sample as it is
    }

    [Fact]
    public void Objects_at_least_one_bytes_at_least_size_and_decreasing_in_size() =>
        Gen.Long[1, 1L << 32].Sample(size =>
        {
            double objects = AllocationEstimator.ObjectsPerSample(size);
            return objects >= 1 - 1e-12
                   && AllocationEstimator.BytesPerSample(size) >= size * (1 - 1e-12)
                   && AllocationEstimator.ObjectsPerSample(size + 1) <= objects;
        });

    /// <summary>
    /// Simulates the runtime's sampler (per-byte Bernoulli trials, drawn as geometric gaps) over a
    /// known mix and checks the estimator recovers it: an independent check of the formula.
    /// </summary>
    [Fact]
    public void Recovers_a_simulated_allocation_mix()
    {
        var random = new Random(12345);
        double p = AllocationEstimator.SamplingProbability;
        long gap = NextGap();
        var sizes = new long[] { 24, 1024, 100_000 };
        var counts = new long[] { 20_000_000, 500_000, 5_000 };
        for (int kind = 0; kind < sizes.Length; kind++)
        {
            double estimatedObjects = 0, estimatedBytes = 0;
            for (long i = 0; i < counts[kind]; i++)
            {
                if (gap >= sizes[kind])
                {
                    gap -= sizes[kind];
                    continue;
                }
                // This object holds the successful trial: one event, then new trials after the object.
                estimatedObjects += AllocationEstimator.ObjectsPerSample(sizes[kind]);
                estimatedBytes += AllocationEstimator.BytesPerSample(sizes[kind]);
                gap = NextGap();
            }
            Assert.InRange(estimatedObjects / counts[kind], 0.95, 1.05);
            Assert.InRange(estimatedBytes / (counts[kind] * sizes[kind]), 0.95, 1.05);
        }

        long NextGap() => (long)Math.Floor(Math.Log(1 - random.NextDouble()) / Math.Log(1 - p));
    }
}
