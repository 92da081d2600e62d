using System.Text;

namespace HeapLens.Profiles;

/// <summary>
/// Profile arithmetic as pprof does it for -base and -normalize (google/pprof, internal/driver/fetch.go
/// and profile/merge.go): the base is scaled by -1 and merged into the new profile, so every report of
/// the result shows B minus A; durations add up, the earliest start and the largest period are kept.
/// </summary>
public static class ProfileArithmetic
{
    /// <summary>
    /// pprof's profile.Normalize: every value of <paramref name="profile"/> times (the reference's total /
    /// the profile's total) of its sample type, rounded half away from zero per sample; samples that
    /// round to all zeros are dropped. A type whose total is 0 scales by 0, as pprof does.
    /// </summary>
    /// <returns>A new profile sharing the locations and functions, and the ratio per sample type of <paramref name="profile"/>.</returns>
    public static (Profile Scaled, double[] Ratios) ScaleToTotals(Profile profile, Profile reference)
    {
        int[] referenceIndex = IndexesIn(reference, profile);
        long[] own = Totals(profile), theirs = Totals(reference);
        var ratios = new double[own.Length];
        for (int i = 0; i < ratios.Length; i++)
            ratios[i] = own[i] == 0 ? 0 : (double)theirs[referenceIndex[i]] / own[i];
        var scaled = CopyHeader(profile);
        CopyTables(profile, scaled, idOffset: 0);
        foreach (var sample in profile.Samples)
        {
            var values = new long[sample.Values.Length];
            bool nonZero = false;
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = ratios[i] == 1 ? sample.Values[i] : (long)Math.Round(sample.Values[i] * ratios[i], MidpointRounding.AwayFromZero);
                nonZero |= values[i] != 0;
            }
            if (nonZero)
                scaled.Samples.Add(CopySample(sample, sample.LocationIds, values));
        }
        return (scaled, ratios);
    }

    /// <summary>
    /// <paramref name="newProfile"/> minus <paramref name="baseProfile"/>, in the new profile's sample types
    /// (the base's values are matched by type name). Samples that read the same (the same functions and
    /// lines, the same labels) are merged, as pprof's Merge merges them, and those that cancel out dropped,
    /// so a total of absolute values counts only what changed.
    /// </summary>
    public static Profile Subtract(Profile newProfile, Profile baseProfile)
    {
        int[] baseIndex = IndexesIn(baseProfile, newProfile);
        var result = CopyHeader(newProfile);
        result.TimeNanos = newProfile.TimeNanos == 0 || (baseProfile.TimeNanos != 0 && baseProfile.TimeNanos < newProfile.TimeNanos)
            ? baseProfile.TimeNanos : newProfile.TimeNanos;
        result.DurationNanos = newProfile.DurationNanos + baseProfile.DurationNanos;
        result.Period = Math.Max(newProfile.Period, baseProfile.Period);
        foreach (string comment in baseProfile.Comments)
            if (!result.Comments.Contains(comment))
                result.Comments.Add(comment);
        CopyTables(newProfile, result, idOffset: 0);
        ulong offset = MaxId(newProfile);
        CopyTables(baseProfile, result, offset);

        var merged = new Dictionary<(int[] Stack, string Labels), Sample>(StackReadings.KeyComparer.Instance);
        var readings = new StackReadings(result);
        var labels = new StringBuilder();
        void Add(Sample sample, ulong[] locations, long[] values)
        {
            labels.Clear();
            foreach (var label in sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).ThenBy(l => l.Text).ThenBy(l => l.Number))
                labels.Append(label.Key).Append('=').Append(label.Text ?? $"{label.Number}{label.NumberUnit}").Append('\u0002');
            var key = (readings.Of(locations), labels.ToString());
            if (merged.TryGetValue(key, out var existing))
                for (int i = 0; i < values.Length; i++)
                    existing.Values[i] += values[i];
            else
                merged.Add(key, CopySample(sample, locations, values));
        }
        foreach (var sample in newProfile.Samples)
            Add(sample, sample.LocationIds, (long[])sample.Values.Clone());
        foreach (var sample in baseProfile.Samples)
        {
            var values = new long[baseIndex.Length];
            for (int i = 0; i < values.Length; i++)
                values[i] = -sample.Values[baseIndex[i]];
            Add(sample, sample.LocationIds.Select(id => id + offset).ToArray(), values);
        }
        result.Samples.AddRange(merged.Values.Where(s => s.Values.Any(v => v != 0)));
        return result;
    }

    /// <summary>Every sample type's total.</summary>
    public static long[] Totals(Profile profile)
    {
        var totals = new long[profile.SampleTypes.Count];
        foreach (var sample in profile.Samples)
            for (int i = 0; i < totals.Length; i++)
                totals[i] += sample.Values[i];
        return totals;
    }

    /// <summary>For each sample type of <paramref name="profile"/>, its index in <paramref name="other"/> (which has the same types).</summary>
    private static int[] IndexesIn(Profile other, Profile profile) =>
        profile.SampleTypes.Select(t =>
        {
            int i = other.SampleTypes.IndexOf(t);
            return i >= 0 ? i : throw new HeapLensException($"the profiles have different sample types ({t.Type} is in one only)");
        }).ToArray();

    private static Profile CopyHeader(Profile profile)
    {
        var copy = new Profile
        {
            TimeNanos = profile.TimeNanos,
            DurationNanos = profile.DurationNanos,
            PeriodType = profile.PeriodType,
            Period = profile.Period,
            DefaultSampleType = profile.DefaultSampleType,
        };
        copy.SampleTypes.AddRange(profile.SampleTypes);
        copy.Comments.AddRange(profile.Comments);
        return copy;
    }

    /// <summary>Copies mappings, functions and locations with their ids shifted by the offset (0: shared as they are).</summary>
    private static void CopyTables(Profile from, Profile to, ulong idOffset)
    {
        if (idOffset == 0)
        {
            to.Mappings.AddRange(from.Mappings);
            to.Functions.AddRange(from.Functions);
            to.Locations.AddRange(from.Locations);
            return;
        }
        foreach (var m in from.Mappings)
            to.Mappings.Add(new Mapping
            {
                Id = m.Id + idOffset, MemoryStart = m.MemoryStart, MemoryLimit = m.MemoryLimit, FileOffset = m.FileOffset,
                FileName = m.FileName, BuildId = m.BuildId, HasFunctions = m.HasFunctions, HasFileNames = m.HasFileNames,
                HasLineNumbers = m.HasLineNumbers, HasInlineFrames = m.HasInlineFrames,
            });
        foreach (var f in from.Functions)
            to.Functions.Add(new Function { Id = f.Id + idOffset, Name = f.Name, SystemName = f.SystemName, FileName = f.FileName, StartLine = f.StartLine });
        foreach (var l in from.Locations)
        {
            var location = new Location { Id = l.Id + idOffset, MappingId = l.MappingId == 0 ? 0 : l.MappingId + idOffset, Address = l.Address };
            foreach (var line in l.Lines)
                location.Lines.Add(new Line(line.FunctionId + idOffset, line.LineNumber));
            to.Locations.Add(location);
        }
    }

    private static ulong MaxId(Profile profile)
    {
        ulong max = 0;
        foreach (var m in profile.Mappings) max = Math.Max(max, m.Id);
        foreach (var f in profile.Functions) max = Math.Max(max, f.Id);
        foreach (var l in profile.Locations) max = Math.Max(max, l.Id);
        return max;
    }

    private static Sample CopySample(Sample sample, ulong[] locations, long[] values)
    {
        var copy = new Sample { LocationIds = locations, Values = values };
        copy.Labels.AddRange(sample.Labels);
        return copy;
    }
}
