namespace HeapLens.Profiles;

/// <summary>What happened to an entry between the base and the new profile.</summary>
public enum ProfileChangeStatus { New, Vanished, Changed, Unchanged }

/// <summary>One function, line or stack in both profiles.</summary>
public sealed record ProfileChange(string Key, ProfileEntry Entry, ProfileChangeStatus Status, long BaseFlat, long NewFlat, long BaseCum, long NewCum)
{
    public long DeltaFlat => NewFlat - BaseFlat;
    public long DeltaCum => NewCum - BaseCum;
}

/// <summary>The change of every function, line or stack between two profiles of the same kind.</summary>
public static class ProfileChanges
{
    /// <summary>
    /// Matches entries by name (a function), file:line or stack, and sorts them by the absolute change of
    /// flat (or cum), then of the other, then by name, so the order is stable. Entries in one profile only
    /// are new or vanished.
    /// </summary>
    public static List<ProfileChange> Compute(ProfilePair pair, string sampleType, ProfileGrouping grouping, bool byCum)
    {
        var before = ProfileAggregates.Compute(new ProfileIndex(pair.Base), sampleType, grouping);
        var after = ProfileAggregates.Compute(new ProfileIndex(pair.New), sampleType, grouping);
        var changes = new List<ProfileChange>(Math.Max(before.Count, after.Count));
        foreach (var (key, entry) in after)
        {
            if (before.TryGetValue(key, out var old))
            {
                bool same = old.Flat == entry.Flat && old.Cum == entry.Cum;
                changes.Add(new ProfileChange(key, entry, same ? ProfileChangeStatus.Unchanged : ProfileChangeStatus.Changed,
                    old.Flat, entry.Flat, old.Cum, entry.Cum));
            }
            else
                changes.Add(new ProfileChange(key, entry, ProfileChangeStatus.New, 0, entry.Flat, 0, entry.Cum));
        }
        foreach (var (key, entry) in before)
            if (!after.ContainsKey(key))
                changes.Add(new ProfileChange(key, entry, ProfileChangeStatus.Vanished, entry.Flat, 0, entry.Cum, 0));
        return changes
            .OrderByDescending(c => Math.Abs(byCum ? c.DeltaCum : c.DeltaFlat))
            .ThenByDescending(c => Math.Abs(byCum ? c.DeltaFlat : c.DeltaCum))
            .ThenBy(c => c.Entry.Name, StringComparer.Ordinal)
            .ThenBy(c => c.Key, StringComparer.Ordinal)
            .ToList();
    }
}
