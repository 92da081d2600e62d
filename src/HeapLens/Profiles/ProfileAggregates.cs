using System.Runtime.InteropServices;
using System.Text;

namespace HeapLens.Profiles;

/// <summary>How a profile diff groups its values.</summary>
public enum ProfileGrouping { Function, Line, Stack }

/// <summary>
/// One entry of a profile grouped by function, by source line or by stack: flat (as the leaf, or for
/// a line, as the innermost frame with a source line) and cum (anywhere on the stack, once per sample).
/// A stack's flat and cum are the same value.
/// </summary>
/// <param name="Name">The function (for a line, the function the line is in; for a stack, the leaf).</param>
/// <param name="File">The source file, "" when unknown.</param>
/// <param name="Line">The source line, for lines and stacks' leaf; 0 when unknown.</param>
/// <param name="Frames">For a stack, its frames, leaf first; otherwise null.</param>
public sealed record ProfileEntry(string Name, string File, long Line, IReadOnlyList<Frame>? Frames, long Flat, long Cum);

/// <summary>Sums one sample type of a profile per function, per source line (file:line) or per stack.</summary>
public static class ProfileAggregates
{
    /// <summary>The key of the samples that carry no source line at all, grouped by line.</summary>
    public const string NoLineName = "(no source line)";

    /// <summary>The entries of one sample type, by a key that matches the same entry in another profile.</summary>
    public static Dictionary<string, ProfileEntry> Compute(ProfileIndex index, string sampleType, ProfileGrouping grouping)
    {
        int valueIndex = index.ValueIndex(sampleType);
        return grouping switch
        {
            ProfileGrouping.Function => ByFunction(index, sampleType),
            ProfileGrouping.Line => ByLine(index, valueIndex),
            _ => ByStack(index, valueIndex),
        };
    }

    private static Dictionary<string, ProfileEntry> ByFunction(ProfileIndex index, string sampleType) =>
        FunctionTotals.Compute(index, sampleType, byCum: false).Functions
            .ToDictionary(f => f.Name, f => new ProfileEntry(f.Name, f.FileName, 0, null, f.Flat, f.Cum), StringComparer.Ordinal);

    /// <summary>
    /// Per file:line, like Python's compare_to('lineno'). Flat goes to the innermost frame that has a
    /// source line (in an allocation profile the leaf is the allocated type, and runtime code has no
    /// PDB: the innermost known line is the user's line that allocated); cum to every line on the stack.
    /// </summary>
    private static Dictionary<string, ProfileEntry> ByLine(ProfileIndex index, int valueIndex)
    {
        var entries = new Dictionary<string, (string Name, string File, long Line, long Flat, long Cum)>(StringComparer.Ordinal);
        var frames = new List<Frame>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sample in index.Profile.Samples)
        {
            long value = sample.Values[valueIndex];
            if (value == 0)
                continue;
            index.Frames(sample, frames);
            seen.Clear();
            bool flatGiven = false;
            foreach (var frame in frames)
            {
                if (frame.Function is not { FileName.Length: > 0 } function || frame.Line <= 0)
                    continue;
                string key = $"{function.FileName}:{frame.Line}";
                ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(entries, key, out bool existed);
                if (!existed)
                    entry = (function.Name, function.FileName, frame.Line, 0, 0);
                if (!flatGiven)
                {
                    entry.Flat += value;
                    flatGiven = true;
                }
                if (seen.Add(key))
                    entry.Cum += value;
            }
            if (!flatGiven)
            {
                ref var none = ref CollectionsMarshal.GetValueRefOrAddDefault(entries, NoLineName, out bool existed);
                if (!existed)
                    none = (NoLineName, "", 0, 0, 0);
                none.Flat += value;
                none.Cum += value;
            }
        }
        return entries.ToDictionary(e => e.Key, e => new ProfileEntry(e.Value.Name, e.Value.File, e.Value.Line, null, e.Value.Flat, e.Value.Cum),
            StringComparer.Ordinal);
    }

    /// <summary>Per full stack, read as functions and lines (code addresses aside, as in <see cref="StackTotals"/>).</summary>
    private static Dictionary<string, ProfileEntry> ByStack(ProfileIndex index, int valueIndex)
    {
        var entries = new Dictionary<string, (Frame[] Frames, long Value)>(StringComparer.Ordinal);
        var frames = new List<Frame>();
        var key = new StringBuilder();
        foreach (var sample in index.Profile.Samples)
        {
            long value = sample.Values[valueIndex];
            if (value == 0)
                continue;
            index.Frames(sample, frames);
            key.Clear();
            foreach (var frame in frames)
                key.Append(frame.Name).Append(':').Append(frame.Line).Append('\n');
            ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(entries, key.ToString(), out bool existed);
            if (!existed)
                entry.Frames = [.. frames];
            entry.Value += value;
        }
        return entries.ToDictionary(e => e.Key, e =>
        {
            var leaf = e.Value.Frames.Length > 0 ? e.Value.Frames[0] : default;
            return new ProfileEntry(e.Value.Frames.Length > 0 ? leaf.Name : "", leaf.Function?.FileName ?? "", leaf.Line,
                e.Value.Frames, e.Value.Value, e.Value.Value);
        }, StringComparer.Ordinal);
    }
}
