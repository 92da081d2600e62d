using HeapLens.Profiles;
using HeapLens.Snapshots;

namespace HeapLens.Collection;

/// <summary>
/// Joins an allocation window to the snapshot that ended it: each sampled object found in the
/// snapshot gets the call stack of its profile sample. Stacks and frames are interned, so the result
/// costs two ints per sampled object plus its distinct stacks once.
/// </summary>
internal static class AllocationSitesJoin
{
    /// <param name="nodes">Per tracked object: its node in the snapshot, or -1 when the walk did not confirm it.</param>
    public static AllocationSites Join(Profile profile, TrackedObjects tracked, int[] nodes, AllocationWindow window)
    {
        var locations = profile.Locations.ToDictionary(l => l.Id);
        var functions = profile.Functions.ToDictionary(f => f.Id);
        var strings = new Interned<string>();
        var frames = new Interned<(int Function, int File, int Line)>();
        var stackIds = new Dictionary<int, int>(); // profile sample -> stack id
        var stackStart = new List<int> { 0 };
        var stackFrames = new List<int>();
        var pairs = new List<(int Node, int Stack)>();
        for (int i = 0; i < tracked.Count; i++)
        {
            if (nodes[i] < 0)
                continue;
            int sample = tracked.Samples[i];
            if (!stackIds.TryGetValue(sample, out int stack))
            {
                // The profile's first location is the allocated type (a pseudo-frame): the snapshot knows the type.
                var locationIds = profile.Samples[sample].LocationIds;
                for (int f = 1; f < locationIds.Length; f++)
                    stackFrames.Add(frames.Id(FrameOf(locations[locationIds[f]], functions, strings)));
                stack = stackStart.Count - 1;
                stackStart.Add(stackFrames.Count);
                stackIds.Add(sample, stack);
            }
            pairs.Add((nodes[i], stack));
        }
        // Two samples can name one node only if the walk confirmed both at one address; the later wins.
        var byNode = new SortedDictionary<int, int>();
        foreach (var (node, stack) in pairs)
            byNode[node] = stack;
        var frameList = frames.Values;
        return new AllocationSites(window, [.. byNode.Keys], [.. byNode.Values], [.. stackStart], [.. stackFrames],
            frameList.Select(f => f.Function).ToArray(), frameList.Select(f => f.File).ToArray(), frameList.Select(f => f.Line).ToArray(),
            [.. strings.Values]);
    }

    private static (int Function, int File, int Line) FrameOf(Location location, Dictionary<ulong, Function> functions, Interned<string> strings)
    {
        var line = location.Lines.Count > 0 ? location.Lines[0] : default;
        var function = functions.GetValueOrDefault(line.FunctionId);
        string name = function?.Name ?? "?";
        string file = function?.FileName ?? "";
        return (strings.Id(name), file.Length == 0 ? -1 : strings.Id(file), (int)Math.Clamp(line.LineNumber, 0, int.MaxValue));
    }

    private sealed class Interned<T> where T : notnull
    {
        private readonly Dictionary<T, int> _ids = [];

        public List<T> Values { get; } = [];

        public int Id(T value)
        {
            if (!_ids.TryGetValue(value, out int id))
            {
                id = Values.Count;
                Values.Add(value);
                _ids.Add(value, id);
            }
            return id;
        }
    }
}
