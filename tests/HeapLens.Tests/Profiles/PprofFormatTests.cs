using Xunit;
using System.IO.Compression;
using CsCheck;
using HeapLens.Formats.Pprof;
using HeapLens.Profiles;

namespace HeapLens.Tests.Profiles;

public sealed class PprofFormatTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("heaplens-pprof-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string name) => Path.Combine(_directory, name);

    internal static Profile SmallProfile()
    {
        var builder = new AllocationProfileBuilder();
        ulong app = builder.Mapping("/app/App.dll", hasLineNumbers: true);
        ulong main = builder.Location(builder.Function("App.Program.Main", "App.Program.Main", "/src/Program.cs"), 10, app, 0x1000);
        ulong work = builder.Location(builder.Function("App.Worker.Run", "App.Worker.Run", "/src/Worker.cs"), 42, app, 0x2000);
        int stack = builder.Stack([work, main]);
        builder.Add(stack, "System.String", 32, 3200, 102400);
        builder.Add(stack, "System.String", 32, 3200, 102400);
        builder.Add(builder.Stack([main]), "System.Byte[]", 1024, 100, 102400);
        return builder.Build(1_700_000_000_000_000_000, 30_000_000_000, 102400, ["a comment"]);
    }

    [Fact]
    public void A_written_profile_reads_back_the_same()
    {
        var original = SmallProfile();
        PprofFile.Save(original, PathOf("p.pb.gz"));
        var read = PprofFile.Load(PathOf("p.pb.gz"));

        Assert.Equal(original.SampleTypes, read.SampleTypes);
        Assert.Equal(original.PeriodType, read.PeriodType);
        Assert.Equal(original.Period, read.Period);
        Assert.Equal(original.TimeNanos, read.TimeNanos);
        Assert.Equal(original.DurationNanos, read.DurationNanos);
        Assert.Equal(original.Comments, read.Comments);
        Assert.Equal("alloc_space", read.DefaultSampleType);
        Assert.Equal(original.Functions.Select(f => (f.Id, f.Name, f.FileName)), read.Functions.Select(f => (f.Id, f.Name, f.FileName)));
        Assert.Equal(original.Locations.Select(l => (l.Id, l.MappingId, l.Address, l.Lines.Single())),
            read.Locations.Select(l => (l.Id, l.MappingId, l.Address, l.Lines.Single())));
        Assert.Equal(original.Samples.Select(s => (string.Join(",", s.LocationIds), string.Join(",", s.Values), s.NumericLabel("bytes"))),
            read.Samples.Select(s => (string.Join(",", s.LocationIds), string.Join(",", s.Values), s.NumericLabel("bytes"))));
        Assert.Equal("/app/App.dll", read.Mappings.Single().FileName);
    }

    /// <summary>Every field of every message set to something other than its default, read back as written.</summary>
    [Fact]
    public void Every_field_of_every_message_reads_back()
    {
        var original = new Profile
        {
            TimeNanos = 1_700_000_000_123_456_789, DurationNanos = 5_000_000_000, Period = 524_288,
            PeriodType = new HeapLens.Profiles.ValueType("space", "bytes"), DefaultSampleType = "alloc_space", // in no other string
        };
        original.SampleTypes.Add(new("inuse_objects", "count"));
        original.SampleTypes.Add(new("inuse_space", "bytes"));
        original.Comments.AddRange(["first", "second"]);
        original.Mappings.Add(new Mapping
        {
            Id = 3, MemoryStart = 0x7f00_0000_0000, MemoryLimit = 0x7f00_0010_0000, FileOffset = 0x2000, FileName = "/app/App.dll",
            BuildId = "b1d", HasFunctions = true, HasFileNames = true, HasLineNumbers = true, HasInlineFrames = true,
        });
        original.Functions.Add(new Function { Id = 5, Name = "App.Inner", SystemName = "App.Inner(int)", FileName = "/src/Inner.cs", StartLine = 12 });
        original.Functions.Add(new Function { Id = 6, Name = "App.Outer", SystemName = "App.Outer()", FileName = "/src/Outer.cs", StartLine = 40 });
        var location = new Location { Id = 7, MappingId = 3, Address = 0x7f00_0000_1234 };
        location.Lines.AddRange([new Line(5, 14), new Line(6, 44)]); // Inner inlined into Outer
        original.Locations.Add(location);
        var sample = new Sample { LocationIds = [7], Values = [2, 96] };
        sample.Labels.AddRange([new Label("object", "System.String"), new Label("size", null, 48, "B"), new Label("count", null, 3)]);
        original.Samples.Add(sample);

        PprofFile.Save(original, PathOf("all.pb.gz"));
        var read = PprofFile.Load(PathOf("all.pb.gz"));

        Assert.Equal((original.TimeNanos, original.DurationNanos, original.Period, original.PeriodType, original.DefaultSampleType),
            (read.TimeNanos, read.DurationNanos, read.Period, read.PeriodType, read.DefaultSampleType));
        Assert.Equal(original.SampleTypes, read.SampleTypes);
        Assert.Equal(original.Comments, read.Comments);
        var m = read.Mappings.Single();
        Assert.Equal((3UL, 0x7f00_0000_0000UL, 0x7f00_0010_0000UL, 0x2000UL, "/app/App.dll", "b1d", true, true, true, true),
            (m.Id, m.MemoryStart, m.MemoryLimit, m.FileOffset, m.FileName, m.BuildId, m.HasFunctions, m.HasFileNames, m.HasLineNumbers, m.HasInlineFrames));
        Assert.Equal(original.Functions.Select(f => (f.Id, f.Name, f.SystemName, f.FileName, f.StartLine)),
            read.Functions.Select(f => (f.Id, f.Name, f.SystemName, f.FileName, f.StartLine)));
        var l = read.Locations.Single();
        Assert.Equal((7UL, 3UL, 0x7f00_0000_1234UL), (l.Id, l.MappingId, l.Address));
        Assert.Equal([new Line(5, 14), new Line(6, 44)], l.Lines);
        var s = read.Samples.Single();
        Assert.Equal([7UL], s.LocationIds);
        Assert.Equal([2L, 96L], s.Values);
        Assert.Equal([new Label("object", "System.String"), new Label("size", null, 48, "B"), new Label("count", null, 3)], s.Labels);
    }

    [Fact]
    public void A_profile_written_to_a_stream_is_the_file_byte_for_byte()
    {
        var profile = SmallProfile();
        PprofFile.Save(profile, PathOf("file.pb.gz"));
        using var stream = new MemoryStream();
        PprofFile.Save(profile, stream);
        Assert.True(stream.CanWrite); // left open for the caller (an HTTP response goes on)
        Assert.Equal(File.ReadAllBytes(PathOf("file.pb.gz")), stream.ToArray());
    }

    [Fact]
    public void Samples_with_the_same_stack_type_and_size_merge()
    {
        var profile = SmallProfile();
        Assert.Equal(2, profile.Samples.Count);
        var strings = profile.Samples.Single(s => s.NumericLabel("bytes") == 32);
        Assert.Equal([6400L, 204800L], strings.Values);
    }

    [Fact]
    public void The_encoding_follows_profile_proto_rules()
    {
        var profile = SmallProfile();
        var bytes = new MemoryStream();
        PprofWriter.Write(profile, bytes);
        var raw = bytes.ToArray();
        // First field is sample_type (field 1, length-delimited): what LooksLikeProfile relies on.
        Assert.Equal(0x0a, raw[0]);
        var read = PprofReader.Read(new MemoryStream(raw));
        Assert.All(read.Samples, s => Assert.Equal(read.SampleTypes.Count, s.Values.Length));
        Assert.Equal(read.Locations.Count, read.Locations.Select(l => l.Id).Distinct().Count());
        Assert.DoesNotContain(0UL, read.Locations.Select(l => l.Id));
        Assert.DoesNotContain(0UL, read.Functions.Select(f => f.Id));
    }

    [Fact]
    public void Random_profiles_round_trip() =>
        Gen.Select(Gen.Int[1, 30], Gen.Int[0, 200], Gen.Long[0, long.MaxValue / 4]).Sample((functions, samples, seed) =>
        {
            var random = new Random((int)(seed % int.MaxValue));
            var builder = new AllocationProfileBuilder();
            var locations = Enumerable.Range(0, functions).Select(i =>
                builder.Location(builder.Function($"F{i}<T>(\"x\")", $"F{i}", i % 2 == 0 ? $"/src/F{i}.cs" : ""), i, 0, (ulong)i * 16))
                .ToArray();
            for (int i = 0; i < samples; i++)
            {
                var stack = Enumerable.Range(0, random.Next(1, 8)).Select(_ => locations[random.Next(functions)]).ToArray();
                long size = random.Next(24, 100_000);
                builder.Add(builder.Stack(stack), $"T{random.Next(5)}", size,
                    AllocationEstimator.ObjectsPerSample(size), AllocationEstimator.BytesPerSample(size));
            }
            var profile = builder.Build(random.NextInt64(), random.NextInt64(0, long.MaxValue), 102400, []);
            var buffer = new MemoryStream();
            PprofWriter.Write(profile, buffer);
            buffer.Position = 0;
            var read = PprofReader.Read(buffer);
            return read.Samples.Count == profile.Samples.Count
                   && read.Samples.Zip(profile.Samples).All(p => p.First.LocationIds.SequenceEqual(p.Second.LocationIds)
                                                                 && p.First.Values.SequenceEqual(p.Second.Values))
                   && read.Functions.Select(f => f.Name).SequenceEqual(profile.Functions.Select(f => f.Name))
                   && read.TimeNanos == profile.TimeNanos && read.DurationNanos == profile.DurationNanos;
        }, iter: 200);

    [Fact]
    public void Bad_files_fail_with_one_clear_message()
    {
        File.WriteAllBytes(PathOf("empty.pb.gz"), []);
        File.WriteAllText(PathOf("text.pb.gz"), "this is not a profile\n");
        PprofFile.Save(SmallProfile(), PathOf("good.pb.gz"));
        byte[] good = File.ReadAllBytes(PathOf("good.pb.gz"));
        File.WriteAllBytes(PathOf("truncated.pb.gz"), good[..(good.Length / 2)]);
        File.WriteAllBytes(PathOf("garbage.pb.gz"), [0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        using (var gzip = new GZipStream(File.Create(PathOf("no-strings.pb.gz")), CompressionLevel.Fastest))
            gzip.Write([0x0a, 0x04, 0x08, 0x01, 0x10, 0x02]); // one sample_type, no string table

        foreach (string name in new[] { "empty.pb.gz", "text.pb.gz", "truncated.pb.gz", "garbage.pb.gz", "no-strings.pb.gz", "missing.pb.gz" })
        {
            var e = Assert.Throws<HeapLensException>(() => PprofFile.Load(PathOf(name)));
            Assert.StartsWith(PathOf(name) + ":", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
    }

    [Fact]
    public void Save_replaces_the_file_only_when_complete()
    {
        string path = PathOf("p.pb.gz");
        File.WriteAllText(path, "old");
        PprofFile.Save(SmallProfile(), path);
        Assert.Equal([path], Directory.GetFiles(_directory));
        Assert.Throws<HeapLensException>(() => PprofFile.Save(SmallProfile(), PathOf("no/such/dir/p.pb.gz")));
    }

    [Fact]
    public void LooksLikeProfile_judges_by_content_not_name()
    {
        PprofFile.Save(SmallProfile(), PathOf("profile.heapsnap"));
        File.WriteAllText(PathOf("snapshot.pb.gz"), "HEAPSNAP....");
        var raw = new MemoryStream();
        PprofWriter.Write(SmallProfile(), raw);
        File.WriteAllBytes(PathOf("raw.pb"), raw.ToArray());
        File.WriteAllBytes(PathOf("empty"), []);

        Assert.True(PprofFile.LooksLikeProfile(PathOf("profile.heapsnap")));
        Assert.True(PprofFile.LooksLikeProfile(PathOf("raw.pb")));
        Assert.False(PprofFile.LooksLikeProfile(PathOf("snapshot.pb.gz")));
        Assert.False(PprofFile.LooksLikeProfile(PathOf("empty")));
        Assert.False(PprofFile.LooksLikeProfile(PathOf("missing")));
    }
}
