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
