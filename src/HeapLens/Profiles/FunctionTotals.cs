namespace HeapLens.Profiles;

/// <summary>A function's share of one sample type: flat (as the leaf) and cum (anywhere on the stack).</summary>
public sealed record FunctionTotal(string Name, string FileName, long Flat, long Cum);

/// <summary>The per-function totals of a profile, as pprof's top shows them.</summary>
public sealed record FunctionTotals(string SampleType, string Unit, long Total, IReadOnlyList<FunctionTotal> Functions)
{
    /// <summary>
    /// Sums one sample type per function name. A function counts once per sample in cum even when
    /// it recurses. Sorted by flat (or cum), then by name for a stable order. Values can be negative in
    /// a difference of profiles (--base): then, as in pprof, the total is the sum of absolute values
    /// and rows are sorted by absolute value.
    /// </summary>
    public static FunctionTotals Compute(ProfileIndex index, string? sampleType, bool byCum)
    {
        int valueIndex = index.ValueIndex(sampleType);
        var totals = new Dictionary<string, (string File, long Flat, long Cum)>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var frames = new List<Frame>();
        long total = 0;
        foreach (var sample in index.Profile.Samples)
        {
            long value = sample.Values[valueIndex];
            if (value == 0)
                continue;
            total += Math.Abs(value);
            index.Frames(sample, frames);
            seen.Clear();
            for (int i = 0; i < frames.Count; i++)
            {
                string name = frames[i].Name;
                ref var entry = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(totals, name, out bool existed);
                if (!existed)
                    entry.File = frames[i].Function?.FileName ?? "";
                if (i == 0)
                    entry.Flat += value;
                if (seen.Add(name))
                    entry.Cum += value;
            }
        }
        var type = index.Profile.SampleTypes[valueIndex];
        var rows = totals
            .Select(t => new FunctionTotal(t.Key, t.Value.File, t.Value.Flat, t.Value.Cum))
            .OrderByDescending(t => Math.Abs(byCum ? t.Cum : t.Flat))
            .ThenByDescending(t => Math.Abs(byCum ? t.Flat : t.Cum))
            .ThenBy(t => t.Name, StringComparer.Ordinal)
            .ToList();
        return new FunctionTotals(type.Type, type.Unit, total, rows);
    }
}
