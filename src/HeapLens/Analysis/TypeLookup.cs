using HeapLens.Snapshots;

namespace HeapLens.Analysis;

/// <summary>Finds the type a user means: an exact runtime name, or a unique name ending or fragment.</summary>
public static class TypeLookup
{
    /// <summary>The index of the one type with instances that <paramref name="query"/> names, or a one-line error.</summary>
    public static int Find(HeapSnapshot snapshot, string query)
    {
        // Only types with instances: the type table also names generic arguments and element types.
        var hasInstances = new bool[snapshot.TypeNames.Length];
        foreach (int type in snapshot.TypeIndex)
            hasInstances[type] = true;
        string[] names = snapshot.TypeNames.Select((name, t) => hasInstances[t] ? name : "").ToArray();
        int exact = query.Length == 0 ? -1 : Array.IndexOf(names, query);
        if (exact >= 0)
            return exact;
        var candidates = Matching(names, n => n.EndsWith("." + query, StringComparison.Ordinal) || n.EndsWith("+" + query, StringComparison.Ordinal));
        if (candidates.Count == 0)
            candidates = Matching(names, n => n.Contains(query, StringComparison.OrdinalIgnoreCase));
        return candidates.Count switch
        {
            1 => candidates[0],
            0 => throw new HeapLensException($"no type in the snapshot matches '{query}'"),
            _ => throw new HeapLensException(
                $"{candidates.Count} types match '{query}': " +
                string.Join(", ", candidates.Take(5).Select(t => names[t])) +
                (candidates.Count > 5 ? ", ..." : "") + "; give the full name"),
        };
    }

    private static List<int> Matching(string[] names, Func<string, bool> predicate)
    {
        var result = new List<int>();
        for (int t = 0; t < names.Length; t++)
            if (names[t].Length > 0 && predicate(names[t]))
                result.Add(t);
        return result;
    }
}
