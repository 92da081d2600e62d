using HeapLens.Explain.Causes;
using HeapLens.Explain.Sources;
using HeapLens.Profiles;
using HeapLens.Reports;

namespace HeapLens.Explain;

/// <summary>
/// `heaplens explain`: joins the profile's hottest lines with the causes the source has on them. Each of
/// the profile's allocations on a line (a type, allocated there or inside a called method) goes to the
/// first cause that accounts for it; what no cause accounts for becomes a `callee` cause (allocated inside a
/// called method, named from the stack) or an `unknown` one. Lines the sources do not have are listed as
/// not found, never guessed.
/// </summary>
public static class Explainer
{
    public static ExplainReport Explain(string profilePath, Profile profile, SourceSet sources, int count, bool bySpace)
    {
        if (count < 1)
            throw new HeapLensException("-n must be at least 1");
        var lines = HotLines.Compute(profile, bySpace).ToList();
        lines = MoveDisplayClasses(lines, sources, out var moved);
        var hot = lines.OrderByDescending(l => l.Value(bySpace)).ThenBy(l => l.File, StringComparer.Ordinal).ThenBy(l => l.Line).Take(count).ToList();

        var explained = hot.Select(line => ExplainLine(line, sources, moved.GetValueOrDefault((line.File, line.Line)))).ToList();
        var notes = new List<string>(sources.Notes);
        int notFound = explained.Count(l => !l.Found);
        if (notFound == explained.Count)
            throw new HeapLensException(
                $"the sources do not match the profile: none of its {explained.Count} hottest lines was found in {sources.Description} " +
                $"(first: {explained[0].File}:{explained[0].Line}: {explained[0].Note})");
        if (notFound > 0)
            notes.Add($"{notFound} of the {explained.Count} lines could not be found in {sources.Description}: see their notes; they were not analysed");
        int objectsIndex = profile.SampleTypeIndex(AllocationProfileBuilder.ObjectsType);
        int spaceIndex = profile.SampleTypeIndex(AllocationProfileBuilder.SpaceType);
        return new ExplainReport(profilePath, bySpace ? AllocationProfileBuilder.SpaceType : AllocationProfileBuilder.ObjectsType,
            profile.Samples.Sum(s => s.Values[spaceIndex]), profile.Samples.Sum(s => s.Values[objectsIndex]),
            sources.Description, sources.Partial || notFound > 0, notes, explained);
    }

    private static ExplainLine ExplainLine(HotLine line, SourceSet sources, string? movedNote)
    {
        var types = line.Allocations.Select(a => new ExplainType(a.Type, a.Callee, a.Bytes, a.Objects)).ToList();
        ExplainLine NotFound(string why, string? path = null) =>
            new(line.File, line.Line, line.Function, line.Bytes, line.Objects, types, [], path, Found: false, Note: why);

        if (line.Line == 0)
            return NotFound("no line number: code the compiler generated without a sequence point");
        var tree = sources.Find(line.File);
        if (tree is null)
            return NotFound("the file is not in the sources");
        var text = tree.GetText();
        if (line.Line > text.Lines.Count)
            return NotFound($"the file has only {text.Lines.Count} lines: the sources are not the ones profiled", tree.FilePath);
        var model = sources.Model(tree);
        var found = LineCauseFinder.Find(model, (int)line.Line, out var calls);
        string source = Profiles.SafeTextLine(text.Lines[(int)line.Line - 1].ToString());
        if (found is null)
            return NotFound("no code starts on this line in the sources (blank, a comment or a brace): the sources are not the ones profiled", tree.FilePath) with { Source = source };
        return new ExplainLine(line.File, line.Line, line.Function, line.Bytes, line.Objects, types, Claim(line, found, calls),
            tree.FilePath, source, Found: true, Note: movedNote);
    }

    /// <summary>Each allocation of the line to the first cause that accounts for it; the rest as callee or unknown.</summary>
    private static List<ExplainCause> Claim(HotLine line, IReadOnlyList<FoundCause> found, IReadOnlyList<string> calls)
    {
        // Causes that match an allocation equally well share it (two boxed ints of one call: half each).
        var claimed = found.Select(_ => new List<LineAllocation>()).ToList();
        var unclaimed = new List<LineAllocation>();
        foreach (var allocation in line.Allocations)
        {
            var tiers = found.Select(c => c.Claims.Matches(allocation.Type, allocation.Callee)).ToList();
            int best = tiers.Count == 0 ? 0 : tiers.Max();
            if (best == 0 && allocation.Callee is not null)
            {
                // Allocated in a callee, of a type a cause names (the List<T> that ToList returns).
                tiers = found.Select(c => c.Kind != CauseKind.Boxing ? c.Claims.Matches(allocation.Type, null) : 0).ToList();
                best = tiers.Count == 0 ? 0 : tiers.Max();
            }
            if (best == 0)
            {
                unclaimed.Add(allocation);
                continue;
            }
            var sharing = Enumerable.Range(0, found.Count).Where(i => tiers[i] == best).ToList();
            for (int k = 0; k < sharing.Count; k++)
            {
                long Share(long value) => value / sharing.Count + (k == 0 ? value % sharing.Count : 0);
                claimed[sharing[k]].Add(allocation with { Objects = Share(allocation.Objects), Bytes = Share(allocation.Bytes) });
            }
        }
        var causes = found.Select((c, i) => new ExplainCause(c.Kind, c.Column, c.Message, c.Fix,
            claimed[i].Select(a => a.Type).Distinct().ToList(), claimed[i].Sum(a => a.Bytes), claimed[i].Sum(a => a.Objects),
            c.MayBeRemovedByJit)).ToList();
        foreach (var group in unclaimed.GroupBy(a => a.Callee))
        {
            var allocations = group.ToList();
            string typeList = string.Join(", ", allocations.Select(a => a.Type).Distinct());
            causes.Add(group.Key is { } callee
                ? new ExplainCause(CauseKind.Callee, 0, $"callee: allocated inside {callee}: {typeList}",
                    $"see what {callee} allocates (heaplens list '{callee}' shows nothing without its source): call an overload that writes into a buffer, or keep the call off the hot path",
                    allocations.Select(a => a.Type).Distinct().ToList(), allocations.Sum(a => a.Bytes), allocations.Sum(a => a.Objects), false)
                : calls.Count > 0
                ? new ExplainCause(CauseKind.Callee, 0,
                    $"callee: {typeList} allocated by a call the JIT inlined into this line (no frame of its own): {string.Join(", ", calls)}",
                    "see what those methods allocate; an overload that writes into a buffer, or a call kept off the hot path",
                    allocations.Select(a => a.Type).Distinct().ToList(), allocations.Sum(a => a.Bytes), allocations.Sum(a => a.Objects), false)
                : new ExplainCause(CauseKind.Unknown, 0, $"unknown: {typeList} allocated on this line and no compile-time cause for it was found",
                    "look at the IL of the line (a compiler-generated allocation this analysis does not know), or the profile's stack (heaplens traces)",
                    allocations.Select(a => a.Type).Distinct().ToList(), allocations.Sum(a => a.Bytes), allocations.Sum(a => a.Objects), false));
        }
        return causes;
    }

    /// <summary>Display classes go from the line the profile put them on to the lambda that captures (see <see cref="CaptureSites"/>).</summary>
    private static List<HotLine> MoveDisplayClasses(List<HotLine> lines, SourceSet sources, out Dictionary<(string, long), string> notes)
    {
        notes = [];
        var byKey = lines.ToDictionary(l => (l.File, l.Line), l => l.Allocations.ToList());
        var functions = lines.ToDictionary(l => (l.File, l.Line), l => l.Function);
        foreach (var line in lines)
        {
            var displayClasses = line.Allocations.Where(a => a.Callee is null && a.Type.Contains("DisplayClass", StringComparison.Ordinal)).ToList();
            if (displayClasses.Count == 0 || sources.Find(line.File) is not { } tree)
                continue;
            var model = sources.Model(tree);
            if ((line.Line > 0 ? CaptureSites.Find(model, (int)line.Line) : CaptureSites.FindInFunction(model, line.Function)) is not int site || site == line.Line)
                continue;
            byKey[(line.File, line.Line)].RemoveAll(displayClasses.Contains);
            if (!byKey.TryGetValue((line.File, site), out var target))
            {
                byKey.Add((line.File, site), target = []);
                functions.Add((line.File, site), line.Function);
            }
            target.AddRange(displayClasses);
            string from = line.Line > 0 ? $"at line {line.Line}" : "in code without a line number";
            notes[(line.File, site)] = $"the display class ({string.Join(", ", displayClasses.Select(a => a.Type).Distinct())}) was allocated {from}, where the captured variables' scope begins (no sequence point of its own): shown here, at the capture site";
        }
        return byKey.Where(l => l.Value.Count > 0)
            .Select(l => new HotLine(l.Key.File, l.Key.Line, functions[l.Key], l.Value.Sum(a => a.Objects), l.Value.Sum(a => a.Bytes),
                l.Value.OrderByDescending(a => a.Bytes).ThenBy(a => a.Type, StringComparer.Ordinal).ToList()))
            .ToList();
    }
}

file static class Profiles
{
    public static string SafeTextLine(string text) => HeapLens.SafeText.Of(text.TrimEnd());
}
