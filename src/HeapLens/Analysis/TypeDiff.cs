namespace HeapLens.Analysis;

/// <summary>One type in two snapshots. Types are matched by full name: objects move between GCs.</summary>
public sealed record TypeChange(
    string TypeName,
    long BaseCount, long NewCount,
    long BaseShallowBytes, long NewShallowBytes,
    long BaseRetainedBytes, long NewRetainedBytes)
{
    public long DeltaCount => NewCount - BaseCount;
    public long DeltaShallowBytes => NewShallowBytes - BaseShallowBytes;
    public long DeltaRetainedBytes => NewRetainedBytes - BaseRetainedBytes;
    public bool IsNew => BaseCount == 0;
    public bool Vanished => NewCount == 0;
}

public static class TypeDiff
{
    /// <summary>Every type present in either snapshot, with both sides (zero where absent).</summary>
    public static IReadOnlyList<TypeChange> Compute(IReadOnlyList<TypeRetention> baseTypes, IReadOnlyList<TypeRetention> newTypes)
    {
        var byName = new Dictionary<string, (TypeRetention? Base, TypeRetention? New)>(StringComparer.Ordinal);
        foreach (var t in baseTypes)
            byName[t.TypeName] = (t, null);
        foreach (var t in newTypes)
            byName[t.TypeName] = (byName.GetValueOrDefault(t.TypeName).Base, t);
        return byName.Select(p => new TypeChange(
                p.Key,
                p.Value.Base?.Count ?? 0, p.Value.New?.Count ?? 0,
                p.Value.Base?.ShallowBytes ?? 0, p.Value.New?.ShallowBytes ?? 0,
                p.Value.Base?.RetainedBytes ?? 0, p.Value.New?.RetainedBytes ?? 0))
            .ToList();
    }
}
