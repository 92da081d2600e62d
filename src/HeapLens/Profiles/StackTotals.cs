namespace HeapLens.Profiles;

/// <summary>A full call stack (leaf first) and its values, one per sample type of the profile.</summary>
public sealed record StackTotal(IReadOnlyList<Frame> Frames, long[] Values);

/// <summary>The heaviest stacks of a profile, as pprof's -traces shows them (but merged and sorted).</summary>
public static class StackTotals
{
    /// <summary>
    /// Merges samples whose stacks read the same (function and line of every frame; labels aside) and
    /// returns the heaviest first. Different code addresses can read the same: the JIT replaces a
    /// method's first code with optimized code (tiering, on-stack replacement) while it runs.
    /// </summary>
    public static IReadOnlyList<StackTotal> Heaviest(ProfileIndex index, string? sampleType, int count)
    {
        int valueIndex = index.ValueIndex(sampleType);
        int valueCount = index.Profile.SampleTypes.Count;
        var merged = new Dictionary<string, (ulong[] Stack, long[] Values)>(StringComparer.Ordinal);
        var frames = new List<Frame>();
        var key = new System.Text.StringBuilder();
        foreach (var sample in index.Profile.Samples)
        {
            index.Frames(sample, frames);
            key.Clear();
            foreach (var frame in frames)
                key.Append(frame.Name).Append(':').Append(frame.Line).Append('\n');
            if (!merged.TryGetValue(key.ToString(), out var entry))
            {
                entry = (sample.LocationIds, new long[valueCount]);
                merged.Add(key.ToString(), entry);
            }
            for (int i = 0; i < valueCount; i++)
                entry.Values[i] += sample.Values[i];
        }
        var result = new List<StackTotal>();
        // By absolute value: in a difference of profiles (--base) what shrank most matters as much.
        foreach (var (stack, values) in merged.Values
                     .Where(e => e.Values[valueIndex] != 0)
                     .OrderByDescending(e => Math.Abs(e.Values[valueIndex]))
                     .Take(count))
        {
            var stackFrames = new List<Frame>();
            index.Frames(new Sample { LocationIds = stack, Values = values }, stackFrames);
            result.Add(new StackTotal(stackFrames, values));
        }
        return result;
    }
}
