using System.Diagnostics;
using HeapLens.Formats.Pprof;
using HeapLens.Profiles;

namespace HeapLens.Bench.Allocs;

/// <summary>
/// Writing and reading a large pprof profile: 200,000 distinct samples over 5,000 functions with
/// stacks 10-40 frames deep (far more varied than a real allocation profile, which merges samples).
/// </summary>
internal static class PprofCodec
{
    public static void Run(string results)
    {
        var random = new Random(42);
        var builder = new AllocationProfileBuilder();
        ulong mapping = builder.Mapping("/app/App.dll", hasLineNumbers: true);
        var locations = Enumerable.Range(0, 5_000)
            .Select(i => builder.Location(builder.Function($"App.Namespace{i % 50}.Type{i % 500}.Method{i}", $"M{i}", $"/src/File{i % 300}.cs"),
                i % 400 + 1, mapping, 0x10000 + (ulong)i * 64))
            .ToArray();
        for (int i = 0; i < 200_000; i++)
        {
            var stack = new ulong[random.Next(10, 41)];
            for (int f = 0; f < stack.Length; f++)
                stack[f] = locations[random.Next(locations.Length)];
            long size = random.Next(24, 10_000);
            builder.Add(builder.Stack(stack), $"Type{random.Next(200)}", size,
                AllocationEstimator.ObjectsPerSample(size), AllocationEstimator.BytesPerSample(size));
        }
        var profile = builder.Build(0, 30_000_000_000, 102400, []);

        string path = Path.Combine(Path.GetTempPath(), $"allocs-bench-{Environment.ProcessId}.pb.gz");
        try
        {
            var write = new List<double>();
            var read = new List<double>();
            for (int round = 0; round < 5; round++)
            {
                var clock = Stopwatch.StartNew();
                PprofFile.Save(profile, path);
                write.Add(clock.Elapsed.TotalMilliseconds);
                clock.Restart();
                var loaded = PprofFile.Load(path);
                read.Add(clock.Elapsed.TotalMilliseconds);
                if (loaded.Samples.Count != profile.Samples.Count)
                    throw new InvalidOperationException("round trip lost samples");
            }
            long bytes = new FileInfo(path).Length;
            Console.WriteLine($"{profile.Samples.Count:N0} samples, {bytes >> 10} KB: write {write.Min():F0} ms, read {read.Min():F0} ms (best of 5)");
            Machine.Save(results, "allocs-pprof-codec.json", new
            {
                benchmark = "PprofFile.Save and PprofFile.Load (gzip) of a synthetic profile; best of 5 rounds after the first",
                samples = profile.Samples.Count,
                locations = profile.Locations.Count,
                functions = profile.Functions.Count,
                averageStackDepth = Math.Round(profile.Samples.Average(s => s.LocationIds.Length), 1),
                fileKB = Math.Round(bytes / 1024.0, 1),
                writeMs = Math.Round(write.Skip(1).Min()),
                readMs = Math.Round(read.Skip(1).Min()),
                machine = Machine.Describe(),
                measuredAt = DateTime.UtcNow,
            });
        }
        finally
        {
            File.Delete(path);
        }
    }
}
