using System.IO.Compression;
using CsCheck;
using HeapLens.Formats.HeapSnap;
using HeapLens.Formats.Pprof;
using HeapLens.Profiles;
using HeapLens.Snapshots;
using HeapLens.Tests.Analysis;
using HeapLens.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace HeapLens.Tests.Hostile;

/// <summary>
/// Fuzzes both file readers with mutations of real files: bit flips, truncations, inserted and
/// deleted bytes and crafted huge counts, both on the file's bytes and inside its compressed
/// payloads (re-compressed with valid checksums, so the mutations reach the parsers). Every input
/// must either read or fail with a HeapLensException, and allocate at most twice the memory the
/// unmutated file needs, scaled by how much data the mutant holds.
/// </summary>
public sealed class ReaderFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int Iterations = 3000;
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    /// <summary>One edit: what to do, where (modulo the length), with which value.</summary>
    public sealed record Mutation(int Kind, int Position, int Value, int Length)
    {
        public override string ToString() => $"{Kind}@{Position}:{Value}x{Length}";
    }

    /// <summary>A mutant: 1 to 3 edits, applied to the file's bytes or to one decompressed payload.</summary>
    public sealed record Mutant(int Seed, bool InsidePayload, int Section, Mutation[] Mutations)
    {
        public override string ToString() =>
            $"seed {Seed} {(InsidePayload ? $"payload {Section}" : "file")} [{string.Join(" ", Mutations.Select(m => m.ToString()))}]";
    }

    private static readonly Gen<Mutant> Mutants = Gen.Select(
        Gen.Int[0, 1], Gen.Bool, Gen.Int[0, 63],
        Gen.Select(Gen.Int[0, 6], Gen.Int[0, int.MaxValue], Gen.Int, Gen.Int[1, 64], (k, p, v, l) => new Mutation(k, p, v, l)).Array[1, 3],
        (seed, inside, section, mutations) => new Mutant(seed, inside, section, mutations));

    private static readonly int[] HostileInts = [0x7FFFFFFF, -1, int.MinValue, 0x10000000, 0x0FFFFFFF, Array.MaxLength, 0, 1, 0x7FFFFFF0];
    private static readonly long[] HostileLongs = [long.MaxValue, -1, 1L << 40, (long)Array.MaxLength * 8, long.MinValue, 1L << 31, (1L << 28) * 8];

    internal static byte[] Apply(byte[] input, IEnumerable<Mutation> mutations)
    {
        var bytes = new List<byte>(input);
        foreach (var m in mutations)
        {
            int at = bytes.Count == 0 ? 0 : m.Position % bytes.Count;
            var random = new Random(m.Value);
            switch (m.Kind)
            {
                case 0 when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << (m.Value & 7));
                    break;
                case 1:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 2:
                    var inserted = new byte[m.Length];
                    random.NextBytes(inserted);
                    bytes.InsertRange(at, inserted);
                    break;
                case 3:
                    bytes.RemoveRange(at, Math.Min(m.Length, bytes.Count - at));
                    break;
                case 4:
                    Overwrite(bytes, at, BitConverter.GetBytes(HostileInts[(uint)m.Value % HostileInts.Length]));
                    break;
                case 5:
                    Overwrite(bytes, at, BitConverter.GetBytes(HostileLongs[(uint)m.Value % HostileLongs.Length]));
                    break;
                default:
                    // A protobuf varint of a huge length or count, where a tag or length would be.
                    bytes.InsertRange(at, [0xFF, 0xFF, 0xFF, 0xFF, (byte)(0x07 + (m.Value & 0x08))]);
                    break;
            }
        }
        return bytes.ToArray();
    }

    private static void Overwrite(List<byte> bytes, int at, byte[] value)
    {
        for (int i = 0; i < value.Length && at + i < bytes.Count; i++)
            bytes[at + i] = value[i];
    }

    // ---- .heapsnap -------------------------------------------------------------------------

    private static HeapSnapshot MediumSnapshot()
    {
        var random = new Random(11);
        const int n = 15_000;
        var edges = Enumerable.Range(0, 30_000).Select(_ => (random.Next(n), random.Next(n))).ToArray();
        var graph = TestGraph.Build(n, edges, [TestGraph.Strong(0), TestGraph.Strong(7), TestGraph.Weak(9)],
            sizeOf: i => (uint)random.Next(24, 4000), typeOf: i => i % 7, typeNames: Enumerable.Range(0, 7).Select(t => $"App.T{t}").ToArray(),
            hugeSizes: new() { [5] = 6L << 30 });
        graph.Sizes[5] = uint.MaxValue;
        var roots = new HeapRoots([0, 7, 9], [RootKind.Static, RootKind.Static, RootKind.WeakHandle], [0, 1, -1], ["App.P.a", "App.P.b"]);
        return new HeapSnapshot(new SnapshotMetadata { ProcessName = "App" }, graph.TypeNames, graph.Addresses, graph.Sizes,
            graph.HugeSizes, graph.TypeIndex, graph.EdgeStart, graph.EdgeTargets, roots);
    }

    [Fact]
    public void The_heapsnap_reader_reads_or_refuses_every_mutant_within_its_memory()
    {
        // The second seed carries the optional allocation-sites section, so its payload is mutated too.
        byte[][] seeds = [SnapshotSections.SmallFile(), SnapshotSections.SmallFile(SnapshotSections.WithSites(MediumSnapshot(), every: 7))];
        var sections = seeds.Select(SnapshotSections.Split).ToArray();
        Fuzz("heapsnap", seeds, mutant =>
        {
            if (!mutant.InsidePayload)
                return (Apply(seeds[mutant.Seed], mutant.Mutations), 1.0);
            var parts = sections[mutant.Seed];
            int target = mutant.Section % parts.Count;
            var mutated = parts.Select((s, i) => i == target ? s with { Raw = Apply(s.Raw, mutant.Mutations) } : s).ToList();
            double growth = (double)mutated.Sum(s => s.Raw.Length) / parts.Sum(s => s.Raw.Length);
            return (SnapshotSections.Join(mutated), growth);
        }, path => HeapSnapFile.Read(path));
    }

    // ---- pprof -----------------------------------------------------------------------------

    private static Profile MediumProfile()
    {
        var random = new Random(5);
        var builder = new AllocationProfileBuilder();
        ulong mapping = builder.Mapping("/app/App.dll", hasLineNumbers: true);
        var locations = Enumerable.Range(0, 40).Select(i =>
            builder.Location(builder.Function($"App.F{i}", $"App.F{i}", $"/src/F{i}.cs"), i + 1, mapping, (ulong)i * 16)).ToArray();
        for (int i = 0; i < 300; i++)
        {
            var stack = Enumerable.Range(0, random.Next(1, 8)).Select(_ => locations[random.Next(locations.Length)]).ToArray();
            long size = random.Next(24, 100_000);
            builder.Add(builder.Stack(stack), $"T{random.Next(5)}", size,
                AllocationEstimator.ObjectsPerSample(size), AllocationEstimator.BytesPerSample(size));
        }
        return builder.Build(1_700_000_000_000_000_000, 30_000_000_000, 102400, ["fuzz"]);
    }

    [Fact]
    public void The_pprof_reader_reads_or_refuses_every_mutant_within_its_memory()
    {
        byte[][] protos = [CraftedProfiles.Uncompressed(CraftedProfiles.Build()), CraftedProfiles.Uncompressed(MediumProfile())];
        byte[][] seeds = protos.Select(Gzip).ToArray();
        Fuzz("pprof", seeds, mutant =>
        {
            if (!mutant.InsidePayload)
                return (Apply(seeds[mutant.Seed], mutant.Mutations), 1.0);
            byte[] proto = Apply(protos[mutant.Seed], mutant.Mutations);
            double growth = (double)proto.Length / protos[mutant.Seed].Length;
            // Half the payload mutants go uncompressed (the reader takes both).
            return (mutant.Section % 2 == 0 ? Gzip(proto) : proto, growth);
        }, path => PprofFile.Load(path));
    }

    private static byte[] Gzip(byte[] bytes)
    {
        var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(bytes);
        return buffer.ToArray();
    }

    /// <summary>
    /// Runs the mutants through <paramref name="read"/>. The memory a mutant may use is what the seed
    /// it came from needed to read, times how much more data the mutant holds (at least 1), times 2.
    /// </summary>
    private void Fuzz(string name, byte[][] seeds, Func<Mutant, (byte[] File, double Growth)> make, Action<string> read)
    {
        string path = _directory.File(name + ".fuzz");
        var seedBytes = seeds.Select(seed =>
        {
            File.WriteAllBytes(path, seed);
            read(path); // warm up: the first read pays for JIT and static initialisation
            long before = GC.GetAllocatedBytesForCurrentThread();
            read(path);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }).ToArray();

        int inputs = 0, reads = 0, refusals = 0;
        double worstRatio = 0;
        string worst = "";
        Mutants.Sample(mutant =>
        {
            var (file, growth) = make(mutant);
            File.WriteAllBytes(path, file);
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                read(path);
                reads++;
            }
            catch (HeapLensException e)
            {
                refusals++;
                Assert.DoesNotContain('\n', e.Message);
            }
            // Any other exception escapes here, and CsCheck reports the smallest mutant that throws it.
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            double plausible = seedBytes[mutant.Seed] * Math.Max(1.0, growth);
            double ratio = allocated / plausible;
            if (ratio > worstRatio)
                (worstRatio, worst) = (ratio, $"{mutant} allocated {allocated:N0} bytes, seed {seedBytes[mutant.Seed]:N0}");
            inputs++;
            Assert.True(ratio <= 2, $"{mutant} allocated {allocated:N0} bytes, {ratio:0.00}x the {plausible:N0} it plausibly needs");
        }, iter: Iterations, threads: 1);

        output.WriteLine($"{name}: {inputs} inputs, {reads} read, {refusals} refused with a HeapLensException, 0 other exceptions; " +
                         $"worst memory ratio {worstRatio:0.00}x ({worst}); seeds allocate {string.Join(", ", seedBytes.Select(b => b.ToString("N0")))} bytes");
        Assert.Equal(Iterations, inputs);
    }
}
