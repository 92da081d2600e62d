using System.Runtime.InteropServices;
using HeapLens.Profiles;

namespace HeapLens.Reports;

/// <summary>A caller or callee of the peeked function, with what flows through that edge.</summary>
public sealed record ProfilePeekEdge(string Name, long Value, double Percent);

/// <summary>
/// pprof's `peek` (a flame graph's "sandwich"): for one function, who calls it and whom it calls, with
/// the value of the stacks through each edge, in one sample type. A function recursing counts once per
/// stack, as cum does.
/// </summary>
/// <param name="Cum">The function's cum: the stacks it is on.</param>
/// <param name="Flat">What it accounts for as the leaf.</param>
public sealed record ProfilePeekReport(
    string File,
    string Function,
    string SampleType,
    string Unit,
    long Total,
    long Flat,
    long Cum,
    IReadOnlyList<ProfilePeekEdge> Callers,
    IReadOnlyList<ProfilePeekEdge> Callees)
{
    public static ProfilePeekReport Create(string file, Profile profile, string function, string? sampleType)
    {
        var index = new ProfileIndex(profile);
        int valueIndex = index.ValueIndex(sampleType);
        var callers = new Dictionary<string, long>(StringComparer.Ordinal);
        var callees = new Dictionary<string, long>(StringComparer.Ordinal);
        var seenCallers = new HashSet<string>(StringComparer.Ordinal);
        var seenCallees = new HashSet<string>(StringComparer.Ordinal);
        var frames = new List<Frame>();
        long total = 0, flat = 0, cum = 0;
        foreach (var sample in profile.Samples)
        {
            long value = sample.Values[valueIndex];
            if (value == 0)
                continue;
            total += value;
            index.Frames(sample, frames);
            bool onStack = false;
            seenCallers.Clear();
            seenCallees.Clear();
            for (int i = 0; i < frames.Count; i++) // leaf first: frames[i + 1] calls frames[i]
            {
                if (frames[i].Name != function)
                    continue;
                onStack = true;
                if (i == 0)
                    flat += value;
                if (i + 1 < frames.Count && seenCallers.Add(frames[i + 1].Name))
                    CollectionsMarshal.GetValueRefOrAddDefault(callers, frames[i + 1].Name, out _) += value;
                if (i > 0 && seenCallees.Add(frames[i - 1].Name))
                    CollectionsMarshal.GetValueRefOrAddDefault(callees, frames[i - 1].Name, out _) += value;
            }
            if (onStack)
                cum += value;
        }
        if (cum == 0)
            throw new HeapLensException($"no function named '{function}' has {profile.SampleTypes[valueIndex].Type} in this profile");
        var type = profile.SampleTypes[valueIndex];
        return new ProfilePeekReport(file, function, type.Type, type.Unit, total, flat, cum, Edges(callers, total), Edges(callees, total));
    }

    private static List<ProfilePeekEdge> Edges(Dictionary<string, long> edges, long total) => edges
        .OrderByDescending(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal)
        .Select(e => new ProfilePeekEdge(e.Key, e.Value, ProfileTopReport.Percent(e.Value, total)))
        .ToList();
}
