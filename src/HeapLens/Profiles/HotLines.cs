namespace HeapLens.Profiles;

/// <summary>What one allocated type (or one type under one called method) added up to on a line.</summary>
/// <param name="Callee">The method the line called that allocated it; null when the line allocated it itself.</param>
public sealed record LineAllocation(string Type, string? Callee, long Objects, long Bytes);

/// <summary>
/// One source line of the profile with what was allocated there, split by allocated type and by the
/// method the line called when the allocation happened inside it.
/// </summary>
/// <param name="Function">The function the line belongs to, as the profile names it.</param>
public sealed record HotLine(string File, long Line, string Function, long Objects, long Bytes, IReadOnlyList<LineAllocation> Allocations)
{
    public long Value(bool space) => space ? Bytes : Objects;
}

/// <summary>
/// The hottest source lines of an allocation profile written by `heaplens allocs`: every sample goes to the
/// innermost frame that has a source file (the code the user can change; line 0 when that code has no line); the frames between it
/// and the allocated type (the profile's leaf) name the called method that allocated, if any.
/// </summary>
public static class HotLines
{
    /// <summary>Every line with a source file, hottest first by the chosen sample type.</summary>
    /// <exception cref="HeapLensException">The profile is not an allocation profile, or has no source line.</exception>
    public static IReadOnlyList<HotLine> Compute(Profile profile, bool bySpace)
    {
        int objectsIndex = profile.SampleTypeIndex(AllocationProfileBuilder.ObjectsType);
        int spaceIndex = profile.SampleTypeIndex(AllocationProfileBuilder.SpaceType);
        if (objectsIndex < 0 || spaceIndex < 0)
            throw new HeapLensException(
                $"not an allocation profile: it has no {AllocationProfileBuilder.ObjectsType} and {AllocationProfileBuilder.SpaceType} sample types (record one with 'heaplens allocs')");
        var index = new ProfileIndex(profile);
        var frames = new List<Frame>();
        var lines = new Dictionary<(string File, long Line), LineBuilder>();
        bool anyFrame = false;
        foreach (var sample in profile.Samples)
        {
            index.Frames(sample, frames);
            if (frames.Count == 0)
                continue;
            anyFrame = true;
            // heaplens puts the allocated type as the leaf frame: a "function" without a source file.
            bool typeLeaf = frames[0].Function is { FileName.Length: 0 };
            string type = typeLeaf ? frames[0].Name : "?";
            // Line 0: code without a sequence point (a closure's display class, allocated on entry to its scope).
            int hot = frames.FindIndex(typeLeaf ? 1 : 0, f => f.Function is { FileName.Length: > 0 });
            if (hot < 0)
                continue;
            var frame = frames[hot];
            string? callee = hot > (typeLeaf ? 1 : 0) ? frames[hot - 1].Name : null;
            var key = (frame.Function!.FileName, frame.Line);
            if (!lines.TryGetValue(key, out var line))
                lines.Add(key, line = new LineBuilder(frame.Function.Name));
            line.Add(type, callee, sample.Values[objectsIndex], sample.Values[spaceIndex]);
        }
        if (lines.Count == 0)
            throw new HeapLensException(anyFrame
                ? "the profile has no source lines: no portable PDB was found next to the profiled assemblies when it was recorded (build with <DebugType>portable</DebugType>)"
                : "the profile has no samples");
        return lines
            .Select(l => l.Value.Build(l.Key.File, l.Key.Line))
            .OrderByDescending(l => l.Value(bySpace))
            .ThenBy(l => l.File, StringComparer.Ordinal)
            .ThenBy(l => l.Line)
            .ToList();
    }

    private sealed class LineBuilder(string function)
    {
        private readonly Dictionary<(string Type, string? Callee), (long Objects, long Bytes)> _allocations = [];

        public void Add(string type, string? callee, long objects, long bytes)
        {
            _allocations.TryGetValue((type, callee), out var sum);
            _allocations[(type, callee)] = (sum.Objects + objects, sum.Bytes + bytes);
        }

        public HotLine Build(string file, long line)
        {
            var allocations = _allocations
                .Select(a => new LineAllocation(a.Key.Type, a.Key.Callee, a.Value.Objects, a.Value.Bytes))
                .OrderByDescending(a => a.Bytes).ThenBy(a => a.Type, StringComparer.Ordinal).ToList();
            return new HotLine(file, line, function, allocations.Sum(a => a.Objects), allocations.Sum(a => a.Bytes), allocations);
        }
    }
}
