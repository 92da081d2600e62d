using Google.Protobuf;
using HeapLens.Formats.Pprof;
using HeapLens.Profiles;
using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Hostile;

/// <summary>
/// The pprof reader's refusals with their exact one-line messages, what it takes for a profile by
/// its first bytes, and the fields of other pprof versions it must step over. Profiles are crafted
/// through the writer (which writes what it is given, ids and references unchecked) or byte by byte.
/// </summary>
public sealed class PprofRefusalTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string Write(byte[] bytes)
    {
        string path = _directory.File(Guid.NewGuid().ToString("N") + ".pb");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string Refusal(string path) => Assert.Throws<HeapLensException>(() => PprofFile.Load(path)).Message;

    public static TheoryData<string, string> InvalidProfiles() => new()
    {
        { "mapping 0", "mapping id 0 is zero or repeated" },
        { "mapping 1 twice", "mapping id 1 is zero or repeated" },
        { "function 0", "function id 0 is zero or repeated" },
        { "function 2 twice", "function id 2 is zero or repeated" },
        { "location 0", "location id 0 is zero or repeated" },
        { "location 2 twice", "location id 2 is zero or repeated" },
        { "missing mapping", "location 1 refers to a missing mapping 5" },
        { "missing function", "location 2 refers to a missing function 2" },
        { "missing location", "a sample refers to a missing location 9" },
        { "one value", "a sample has 1 values for 2 sample types" },
        { "overflow", "the values of sample type 2 add up past 9,223,372,036,854,775,807" },
    };

    private static Profile Crafted(string lie)
    {
        var profile = CraftedProfiles.Build(values: lie == "overflow" ? [(1, long.MaxValue), (1, 1)] : []);
        switch (lie)
        {
            case "mapping 0": profile.Mappings.Add(new Mapping { Id = 0 }); break;
            case "mapping 1 twice": profile.Mappings.Add(new Mapping { Id = 1 }); profile.Mappings.Add(new Mapping { Id = 1 }); break;
            case "function 0": profile.Functions.Add(new Function { Id = 0, Name = "F" }); break;
            case "function 2 twice": profile.Functions.Add(new Function { Id = 2, Name = "F" }); break;
            case "location 0": profile.Locations.Add(new Location { Id = 0 }); break;
            case "location 2 twice": profile.Locations.Add(new Location { Id = 2 }); break;
            case "missing mapping": profile.Locations[0] = WithMapping(profile.Locations[0], 5); break;
            case "missing function": profile.Functions.RemoveAt(1); break;
            case "missing location": profile.Samples[0] = new Sample { LocationIds = [1, 9], Values = [10, 320] }; break;
            case "one value": profile.Samples[0] = new Sample { LocationIds = [1, 2], Values = [1] }; break;
        }
        return profile;
    }

    private static Location WithMapping(Location location, ulong mappingId)
    {
        var copy = new Location { Id = location.Id, Address = location.Address, MappingId = mappingId };
        copy.Lines.AddRange(location.Lines);
        return copy;
    }

    [Theory]
    [MemberData(nameof(InvalidProfiles))]
    public void An_invalid_profile_is_refused_with_its_exact_reason(string lie, string reason)
    {
        string path = Write(CraftedProfiles.Gzipped(Crafted(lie)));
        Assert.Equal($"{path}: not a valid pprof profile: {reason}", Refusal(path));
    }

    [Fact]
    public void String_table_lies_are_refused_with_their_exact_reason()
    {
        // sample_type {type: 1, unit: 2} (field 1), then strings (field 6) without the leading "".
        byte[] sampleType = [0x0a, 0x04, 0x08, 0x01, 0x10, 0x02];
        string noEmpty = Write([.. sampleType, 0x32, 0x01, (byte)'a', 0x32, 0x01, (byte)'b', 0x32, 0x01, (byte)'c']);
        Assert.Equal($"{noEmpty}: not a valid pprof profile: its string table does not start with \"\"", Refusal(noEmpty));
        string outside = Write([0x0a, 0x04, 0x08, 0x01, 0x10, 0x09, 0x32, 0x00, 0x32, 0x01, (byte)'a']);
        Assert.Equal($"{outside}: not a valid pprof profile: string index 9 is outside its string table of 2", Refusal(outside));
        string justPast = Write([0x0a, 0x04, 0x08, 0x01, 0x10, 0x02, 0x32, 0x00, 0x32, 0x01, (byte)'a']);
        Assert.Equal($"{justPast}: not a valid pprof profile: string index 2 is outside its string table of 2", Refusal(justPast));
    }

    [Fact]
    public void Bytes_that_are_not_protobuf_are_refused_with_the_decoder_s_reason()
    {
        // sample_type claims 5 bytes; 2 follow.
        string path = Write([0x0a, 0x05, 0x08, 0x01]);
        string message = Refusal(path);
        Assert.StartsWith($"{path}: not a pprof profile (", message);
        Assert.EndsWith(")", message);
        Assert.True(message.Length > $"{path}: not a pprof profile ()".Length, message);
    }

    [Fact]
    public void A_file_another_process_holds_exclusively_cannot_be_read_and_does_not_look_like_a_profile()
    {
        // .NET on Unix takes an advisory lock for FileShare.None, which a shared open then fails on.
        string path = Write(CraftedProfiles.Gzipped(CraftedProfiles.Build()));
        using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            Assert.StartsWith($"cannot read {path}: ", Refusal(path));
            Assert.True(Refusal(path).Length > $"cannot read {path}: ".Length);
            Assert.False(PprofFile.LooksLikeProfile(path));
        }
        Assert.True(PprofFile.LooksLikeProfile(path));
    }

    [Fact]
    public async Task LooksLikeProfile_needs_both_gzip_magic_bytes_or_a_sample_type_and_never_opens_a_fifo()
    {
        Assert.True(PprofFile.LooksLikeProfile(Write([0x1f, 0x8b])));
        Assert.True(PprofFile.LooksLikeProfile(Write([0x0a, 0x00])));
        Assert.False(PprofFile.LooksLikeProfile(Write([0x0a])));
        Assert.False(PprofFile.LooksLikeProfile(Write([0x1f, 0x00])));
        Assert.False(PprofFile.LooksLikeProfile(Write([0x00, 0x8b])));
        Assert.False(PprofFile.LooksLikeProfile(_directory.File("missing")));
        string fifo = _directory.File("fifo");
        Assert.Equal(0, PprofLimitsTests.Mkfifo(fifo));
        // Throws TimeoutException if the open blocks.
        Assert.False(await Task.Run(() => PprofFile.LooksLikeProfile(fifo)).WaitAsync(TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void Fields_this_reader_does_not_know_are_skipped_in_every_message()
    {
        var profile = CraftedProfiles.Build();
        profile.Mappings.Add(new Mapping { Id = 1, MemoryStart = 0x1000, MemoryLimit = 0x9000, FileName = "app.dll", HasFunctions = true });
        profile.Locations[0] = WithMapping(profile.Locations[0], 1);
        profile.Samples[0].Labels.Add(new Label("thread", "main"));
        profile.Samples[0].Labels.Add(new Label("bytes", null, 64, "bytes"));
        byte[] plain = CraftedProfiles.Uncompressed(profile);
        byte[] extended = WithUnknownFields(plain, Profile);

        var read = PprofFile.Load(Write(extended));

        Assert.NotEqual(plain, extended);
        Assert.Equal(plain, CraftedProfiles.Uncompressed(read));
    }

    // Which length-delimited fields of each message are messages themselves (the others are
    // strings or packed numbers), after google/pprof's profile.proto.
    private static Func<byte[], byte[]>? Profile(int field) => field switch
    {
        1 or 11 => b => WithUnknownFields(b, _ => null),                  // ValueType
        2 => b => WithUnknownFields(b, f => f == 3 ? Leaf : null),       // Sample, its Labels
        3 or 5 => Leaf,                                                  // Mapping, Function
        4 => b => WithUnknownFields(b, f => f == 4 ? Leaf : null),       // Location, its Lines
        _ => null,
    };

    private static byte[] Leaf(byte[] message) => WithUnknownFields(message, _ => null);

    /// <summary>The message with a varint field 30 and a bytes field 31, which no pprof message defines, after every field.</summary>
    private static byte[] WithUnknownFields(byte[] message, Func<int, Func<byte[], byte[]>?> nested)
    {
        var input = new CodedInputStream(message);
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            output.WriteTag(tag);
            if (WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                byte[] bytes = input.ReadBytes().ToByteArray();
                output.WriteBytes(ByteString.CopyFrom(nested(WireFormat.GetTagFieldNumber(tag)) is { } rewrite ? rewrite(bytes) : bytes));
            }
            else
                output.WriteUInt64(input.ReadUInt64());
            output.WriteTag(30, WireFormat.WireType.Varint);
            output.WriteUInt64(300);
            output.WriteTag(31, WireFormat.WireType.LengthDelimited);
            output.WriteString("zz");
        }
        output.Flush();
        return buffer.ToArray();
    }

    [Fact]
    public void A_file_whose_first_byte_is_gzip_s_but_not_its_second_is_read_as_protobuf()
    {
        // 0x1f is gzip's first magic byte; read as protobuf (not as gzip, whose header would be refused
        // differently), Google.Protobuf stops at the tag it cannot take.
        string path = Write([0x1f, 0x00, 0x00]);
        Assert.Equal($"{path}: not a pprof profile (Protocol message contained an invalid tag (zero).)", Refusal(path));
    }

    /// <summary>A gzip-compressed profile as HeapLens writes it, with enough samples to span several deflate blocks.</summary>
    private static byte[] GzipProfile()
    {
        var profile = CraftedProfiles.Build(values: Enumerable.Range(1, 3000).Select(i => ((long)(i % 7 + 1), (long)i * 16)).ToArray());
        using var output = new MemoryStream();
        PprofFile.Save(profile, output);
        return output.ToArray();
    }

    private const string CutShort = "not a pprof profile (its gzip data is cut short or damaged: the gzip trailer does not match)";

    [Fact]
    public void A_gzip_profile_cut_anywhere_after_its_header_is_refused_as_cut()
    {
        // .NET's GZipStream ends quietly where the file ends: without the trailer's check a cut profile
        // read as a smaller one, or failed on a string index.
        byte[] whole = GzipProfile();
        long samples = PprofFile.Load(Write(whole)).Samples.Count;
        Assert.Equal(3000, samples);
        foreach (int length in new[] { whole.Length - 1, whole.Length - 4, whole.Length - 8, whole.Length - 9, whole.Length / 2, 20 })
        {
            string path = Write(whole[..length]);
            Assert.Equal($"{path}: {CutShort}", Refusal(path));
        }
    }

    [Fact]
    public void A_gzip_profile_whose_trailer_disagrees_with_its_data_is_refused()
    {
        byte[] whole = GzipProfile();
        foreach (int at in new[] { whole.Length - 8, whole.Length - 5, whole.Length - 4, whole.Length - 1 })
        {
            byte[] damaged = [.. whole];
            damaged[at] ^= 0x01; // the CRC-32 (4 bytes), then the length (4 bytes)
            string path = Write(damaged);
            // GZipStream checks a trailer that is there; only a missing one went unnoticed.
            Assert.StartsWith($"{path}: not a pprof profile (broken gzip data: ", Refusal(path));
        }
    }

    [Fact]
    public void A_file_of_two_gzip_members_is_refused_not_read_as_one_profile()
    {
        // One member is what every profiler writes; two concatenated would decode as one profile made of both.
        byte[] whole = GzipProfile();
        string path = Write([.. whole, .. whole]);
        Assert.Equal($"{path}: {CutShort}", Refusal(path));
    }
}
