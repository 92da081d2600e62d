using HeapLens.Formats.Pprof;
using HeapLens.Profiles;

namespace HeapLens.Bench;

/// <summary>
/// Two allocation profiles with many distinct stacks, to time `heaplens diff` and `--base` on the real
/// CLI: <c>--write-profiles STACKS DIR</c> writes DIR/a.pb.gz and DIR/b.pb.gz. Stacks are 20 frames
/// deep over 5,000 functions (each at one of 50 lines) and 100 allocated types; b keeps 90% of a's
/// stacks with other values and adds 10% new ones.
/// </summary>
public static class SyntheticProfiles
{
    public static void Write(int stacks, string directory)
    {
        PprofFile.Save(Build(stacks, seed: 1, firstStack: 0), Path.Combine(directory, "a.pb.gz"));
        PprofFile.Save(Build(stacks, seed: 2, firstStack: stacks / 10), Path.Combine(directory, "b.pb.gz"));
    }

    /// <summary>
    /// A profile of <paramref name="samples"/> samples over <paramref name="distinctStacks"/> distinct stacks of
    /// 10-40 frames (2,000 functions), callers drawn from a skewed distribution so that stacks share prefixes as
    /// real ones do, and the first stacks sampled far more often: what the flame graph's benchmarks draw.
    /// </summary>
    public static Profile Flame(int samples, int distinctStacks)
    {
        var profile = new Profile();
        profile.SampleTypes.Add(new HeapLens.Profiles.ValueType("alloc_objects", "count"));
        profile.SampleTypes.Add(new HeapLens.Profiles.ValueType("alloc_space", "bytes"));
        const int functions = 2000;
        for (int f = 1; f <= functions; f++)
        {
            profile.Functions.Add(new Function { Id = (ulong)f, Name = $"App.Namespace{f % 37}.Type{f % 211}.Method{f}" });
            var location = new Location { Id = (ulong)f };
            location.Lines.Add(new Line((ulong)f, f % 300));
            profile.Locations.Add(location);
        }
        var random = new Random(42);
        var stacks = new ulong[distinctStacks][];
        for (int k = 0; k < stacks.Length; k++)
        {
            var stack = stacks[k] = new ulong[random.Next(10, 41)];
            for (int i = stack.Length - 1; i >= 0; i--)
                stack[i] = (ulong)(1 + (int)((functions - 1) * Math.Pow(random.NextDouble(), 4 + (stack.Length - i) % 3)));
        }
        for (int s = 0; s < samples; s++)
        {
            var stack = stacks[(int)((stacks.Length - 1) * Math.Pow(random.NextDouble(), 3))];
            profile.Samples.Add(new Sample { LocationIds = stack, Values = [1, random.Next(24, 10_000)] });
        }
        return profile;
    }

    private static Profile Build(int stacks, int seed, int firstStack)
    {
        var builder = new AllocationProfileBuilder();
        ulong module = builder.Mapping("/app/App.dll", hasLineNumbers: true);
        var values = new Random(seed);
        var locations = new Dictionary<(int, int), ulong>();
        for (int s = firstStack; s < firstStack + stacks; s++)
        {
            var shape = new Random(s); // the same stack in both profiles
            var frames = new ulong[20];
            for (int f = 0; f < frames.Length; f++)
            {
                int function = shape.Next(5000), line = shape.Next(1, 50);
                if (!locations.TryGetValue((function, line), out ulong id))
                    locations[(function, line)] = id = builder.Location(
                        builder.Function($"App.Module{function % 50}.Method{function}", null, $"/src/Module{function % 50}.cs"), line, module, (ulong)(function * 64 + line));
                frames[f] = id;
            }
            long objects = values.Next(1, 1000);
            builder.Add(builder.Stack(frames), $"App.Type{shape.Next(100)}", 32, objects, objects * 32);
        }
        return builder.Build(1_700_000_000_000_000_000, 30_000_000_000, 102400, []);
    }
}
