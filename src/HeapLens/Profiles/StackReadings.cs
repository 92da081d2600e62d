using System.Text;

namespace HeapLens.Profiles;

/// <summary>
/// Stacks as they read (the function, file and line of every frame, code addresses aside), as small
/// integer arrays: each location is read once and its reading interned, so comparing or hashing a
/// stack touches 4 bytes per frame instead of building a string of names per sample.
/// </summary>
internal sealed class StackReadings
{
    private readonly Dictionary<string, int> _readings = new(StringComparer.Ordinal);
    private readonly Dictionary<ulong, int> _byLocation = [];
    private readonly Dictionary<ulong, Location> _locations;
    private readonly Dictionary<ulong, Function> _functions;

    public StackReadings(Profile profile)
    {
        _locations = profile.Locations.ToDictionary(l => l.Id);
        _functions = profile.Functions.ToDictionary(f => f.Id);
    }

    /// <summary>The reading of a sample's stack, leaf first.</summary>
    public int[] Of(ulong[] locationIds)
    {
        var stack = new int[locationIds.Length];
        for (int i = 0; i < stack.Length; i++)
            stack[i] = Reading(locationIds[i]);
        return stack;
    }

    private int Reading(ulong locationId)
    {
        if (_byLocation.TryGetValue(locationId, out int reading))
            return reading;
        var location = _locations[locationId];
        var text = new StringBuilder();
        if (location.Lines.Count == 0)
            text.Append("0x").Append(location.Address.ToString("x"));
        foreach (var line in location.Lines)
        {
            var function = _functions[line.FunctionId];
            text.Append(function.Name).Append('\u0001').Append(function.FileName).Append('\u0001').Append(line.LineNumber).Append('\n');
        }
        string key = text.ToString();
        if (!_readings.TryGetValue(key, out reading))
            _readings.Add(key, reading = _readings.Count);
        _byLocation.Add(locationId, reading);
        return reading;
    }

    /// <summary>Compares stacks (with their labels) by content.</summary>
    public sealed class KeyComparer : IEqualityComparer<(int[] Stack, string Labels)>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals((int[] Stack, string Labels) x, (int[] Stack, string Labels) y) =>
            x.Stack.AsSpan().SequenceEqual(y.Stack) && x.Labels == y.Labels;

        public int GetHashCode((int[] Stack, string Labels) key)
        {
            var hash = new HashCode();
            hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(key.Stack.AsSpan()));
            hash.Add(key.Labels);
            return hash.ToHashCode();
        }
    }
}
