using HeapLens.Snapshots;

namespace HeapLens.Analysis;

/// <summary>Instances and shallow bytes of one type.</summary>
public sealed record TypeStatistics(int TypeIndex, string TypeName, long Count, long ShallowBytes);

/// <summary>Count and shallow bytes per type: the histogram behind `heaplens top`.</summary>
public static class TypeHistogram
{
    public static IReadOnlyList<TypeStatistics> Compute(HeapSnapshot snapshot)
    {
        int types = snapshot.TypeNames.Length;
        var counts = new long[types];
        var bytes = new long[types];
        int[] typeIndex = snapshot.TypeIndex;
        uint[] sizes = snapshot.Sizes;
        for (int node = 0; node < typeIndex.Length; node++)
        {
            counts[typeIndex[node]]++;
            bytes[typeIndex[node]] += sizes[node];
        }
        foreach (var (node, size) in snapshot.HugeSizes)
            bytes[typeIndex[node]] += size - sizes[node];

        var result = new List<TypeStatistics>();
        for (int t = 0; t < types; t++)
            if (counts[t] > 0)
                result.Add(new TypeStatistics(t, snapshot.TypeNames[t], counts[t], bytes[t]));
        return result;
    }
}
