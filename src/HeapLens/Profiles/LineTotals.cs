using System.Text.RegularExpressions;

namespace HeapLens.Profiles;

/// <summary>What was allocated under one source line of a function: every sample type, cumulative.</summary>
public sealed record LineTotal(long Line, long[] Values);

/// <summary>A function's allocations by source line, for pprof-style list.</summary>
public sealed record FunctionLines(string Name, string FileName, long[] Totals, IReadOnlyList<LineTotal> Lines)
{
    /// <summary>
    /// For every function whose name matches, sums each sample's values under the lines of that
    /// function on the sample's stack (once per sample and line, so recursion does not double count).
    /// </summary>
    public static IReadOnlyList<FunctionLines> Compute(ProfileIndex index, Regex functionName)
    {
        int valueCount = index.Profile.SampleTypes.Count;
        var matching = Matching(index.Profile.Functions, functionName);
        var byFunction = new Dictionary<(string Name, string File), Dictionary<long, long[]>>();
        var totals = new Dictionary<(string Name, string File), long[]>();
        var frames = new List<Frame>();
        var seenLines = new HashSet<(string, string, long)>();
        var seenFunctions = new HashSet<(string, string)>();
        foreach (var sample in index.Profile.Samples)
        {
            index.Frames(sample, frames);
            seenLines.Clear();
            seenFunctions.Clear();
            foreach (var frame in frames)
            {
                if (frame.Function is not { } function || !matching.Contains(function.Id))
                    continue;
                var key = (function.Name, function.FileName);
                if (!byFunction.TryGetValue(key, out var lines))
                {
                    byFunction.Add(key, lines = []);
                    totals.Add(key, new long[valueCount]);
                }
                if (seenFunctions.Add(key))
                    Add(totals[key], sample.Values);
                if (!seenLines.Add((key.Name, key.FileName, frame.Line)))
                    continue;
                if (!lines.TryGetValue(frame.Line, out long[]? values))
                    lines.Add(frame.Line, values = new long[valueCount]);
                Add(values, sample.Values);
            }
        }
        return byFunction
            .Select(f => new FunctionLines(f.Key.Name, f.Key.File, totals[f.Key],
                f.Value.OrderBy(l => l.Key).Select(l => new LineTotal(l.Key, l.Value)).ToList()))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// The functions whose name matches. The pattern is the user's and the names are the file's: a
    /// match that backtracks past the regex's timeout is reported, not raised as an internal error.
    /// </summary>
    private static HashSet<ulong> Matching(IEnumerable<Function> functions, Regex functionName)
    {
        try
        {
            return functions.Where(f => functionName.IsMatch(f.Name)).Select(f => f.Id).ToHashSet();
        }
        catch (RegexMatchTimeoutException e)
        {
            throw new HeapLensException(
                $"the regular expression '{SafeText.Of(functionName.ToString())}' took longer than {e.MatchTimeout.TotalSeconds:0.#}s on a function name; simplify it");
        }
    }

    private static void Add(long[] into, long[] values)
    {
        for (int i = 0; i < into.Length; i++)
            into[i] += values[i];
    }
}
