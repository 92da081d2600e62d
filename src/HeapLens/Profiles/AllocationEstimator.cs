namespace HeapLens.Profiles;

/// <summary>
/// Turns one AllocationSampled event into the number of objects and bytes it stands for.
/// The runtime (.NET 10) runs a Bernoulli trial with p = 1/102400 on every allocated byte and emits
/// an event for an object as soon as one of its bytes succeeds, so an object of s bytes is sampled
/// with probability 1 - (1-p)^s. Weighting each sampled object by the inverse of that probability
/// (Horvitz-Thompson) gives unbiased totals: E[objects] = 1 / (1 - (1-p)^s) per sample, bytes = s
/// times that. See docs/design/features/RandomizedAllocationSampling.md in dotnet/runtime
/// ("Estimation Approach 1: Weighted samples"). SampledByteOffset is not needed for this estimator.
/// </summary>
public static class AllocationEstimator
{
    public const double SamplingProbability = 1.0 / 102400;

    /// <summary>The mean number of bytes between two samples: pprof's "period".</summary>
    public const long SamplingPeriodBytes = 102400;

    // ln(1 - p), computed once; (1-p)^s = exp(s * ln(1-p)).
    private static readonly double LogOfFailure = Math.Log(1 - SamplingProbability);

    /// <summary>How many objects of this size one sample stands for.</summary>
    public static double ObjectsPerSample(long objectSize)
    {
        if (objectSize <= 0)
            return 1;
        // -expm1(s*ln(1-p)) = 1 - (1-p)^s without cancellation for small s.
        double sampledProbability = -double.ExpM1(objectSize * LogOfFailure);
        return 1 / sampledProbability;
    }

    /// <summary>How many objects of this size one sample stands for, for a sampling period other than .NET 10's.</summary>
    public static double ObjectsPerSample(long objectSize, long periodBytes)
    {
        if (periodBytes == SamplingPeriodBytes)
            return ObjectsPerSample(objectSize);
        if (objectSize <= 0 || periodBytes <= 1)
            return 1;
        return 1 / -double.ExpM1(objectSize * Math.Log(1 - 1.0 / periodBytes));
    }

    /// <summary>How many bytes one sample of an object of this size stands for.</summary>
    public static double BytesPerSample(long objectSize) => objectSize * ObjectsPerSample(objectSize);
}
