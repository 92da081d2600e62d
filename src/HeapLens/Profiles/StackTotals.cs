namespace HeapLens.Profiles;

/// <summary>A full call stack (leaf first) and its values, one per sample type of the profile.</summary>
public sealed record StackTotal(IReadOnlyList<Frame> Frames, long[] Values);

/// <summary>The heaviest stacks of a profile, as pprof's -traces shows them (but merged and sorted).</summary>
public static class StackTotals
{
    /// <summary>Merges samples with the same stack (labels aside) and returns the heaviest first.</summary>
    public static IReadOnlyList<StackTotal> Heaviest(ProfileIndex index, string? sampleType, int count)
    {
        int valueIndex = index.ValueIndex(sampleType);
        int valueCount = index.Profile.SampleTypes.Count;
        var merged = new Dictionary<string, (ulong[] Stack, long[] Values)>(StringComparer.Ordinal);
        foreach (var sample in index.Profile.Samples)
        {
            string key = string.Join(',', sample.LocationIds);
            if (!merged.TryGetValue(key, out var entry))
            {
                entry = (sample.LocationIds, new long[valueCount]);
                merged.Add(key, entry);
            }
            for (int i = 0; i < valueCount; i++)
                entry.Values[i] += sample.Values[i];
        }
        var result = new List<StackTotal>();
        foreach (var (stack, values) in merged.Values
                     .OrderByDescending(e => e.Values[valueIndex])
                     .Take(count))
        {
            var frames = new List<Frame>();
            index.Frames(new Sample { LocationIds = stack, Values = values }, frames);
            result.Add(new StackTotal(frames, values));
        }
        return result;
    }
}
