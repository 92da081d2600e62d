using System.Text.Json.Nodes;
using HeapLens.Formats.HeapSnap;
using HeapLens.Snapshots;
using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Hostile;

/// <summary>
/// The .heapsnap reader's refusals, each with its exact one-line message: files that are not
/// snapshots, and crafted sections (checksums right, contents lying) past every check the reader
/// makes. The expected messages are written out here, not taken from the reader.
/// </summary>
public sealed class HeapSnapRefusalTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string Write(byte[] bytes)
    {
        string path = _directory.File(Guid.NewGuid().ToString("N") + ".heapsnap");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string Refusal(string path) => Assert.Throws<HeapLensException>(() => HeapSnapFile.Read(path)).Message;

    private static List<CraftedSection> SmallSections() => SnapshotSections.Split(SnapshotSections.SmallFile());

    private static byte[] Ints(params int[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    private static byte[] With(string tag, byte[] raw) =>
        SnapshotSections.Join(SmallSections().Select(s => s.Tag == tag ? new CraftedSection(tag, raw) : s));

    [Fact]
    public void Files_that_are_not_snapshots_are_named_and_said_why()
    {
        string empty = Write([]);
        Assert.Equal($"{empty} is empty (or not a regular file)", Refusal(empty));
        string missing = _directory.File("missing.heapsnap");
        Assert.Equal($"{missing}: no such file", Refusal(missing));
        string inMissingDirectory = _directory.File("gone/x.heapsnap");
        Assert.Equal($"{inMissingDirectory}: no such file", Refusal(inMissingDirectory));
        string text = Write("just some text, not a snapshot"u8.ToArray());
        Assert.Equal($"{text} is not a HeapLens snapshot (.heapsnap)", Refusal(text));
        string cut = Write([.. "HEAPSNAP"u8, 1, 0, 0]);
        Assert.Equal($"{cut} is truncated (an incomplete or interrupted write?)", Refusal(cut));
        // The magic alone, or with a version but not the reserved bytes: cut, whatever the version says.
        string magicOnly = Write("HEAPSNAP"u8.ToArray());
        Assert.Equal($"{magicOnly} is truncated (an incomplete or interrupted write?)", Refusal(magicOnly));
        string cutVersion2 = Write([.. "HEAPSNAP"u8, 2, 0, 0, 0]);
        Assert.Equal($"{cutVersion2} is truncated (an incomplete or interrupted write?)", Refusal(cutVersion2));
        byte[] newer = SnapshotSections.SmallFile();
        newer[8] = 3;
        string version3 = Write(newer);
        Assert.Equal($"{version3} is a version 3 snapshot; this HeapLens reads versions 1 to 2", Refusal(version3));
        newer[8] = 0;
        string version0 = Write(newer);
        Assert.Equal($"{version0} is a version 0 snapshot; this HeapLens reads versions 1 to 2", Refusal(version0));
    }

    [Fact]
    public void A_file_another_process_holds_exclusively_cannot_be_read_and_does_not_look_like_a_snapshot()
    {
        // .NET on Unix takes an advisory lock for FileShare.None, which a shared open then fails on.
        string path = Write(SnapshotSections.SmallFile());
        using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            Assert.StartsWith($"cannot read {path}: ", Refusal(path));
            Assert.True(Refusal(path).Length > $"cannot read {path}: ".Length);
            Assert.False(HeapSnapFile.LooksLikeSnapshot(path));
        }
        Assert.True(HeapSnapFile.LooksLikeSnapshot(path));
    }

    [Fact]
    public async Task LooksLikeSnapshot_needs_the_eight_magic_bytes_and_never_opens_a_fifo()
    {
        Assert.True(HeapSnapFile.LooksLikeSnapshot(Write("HEAPSNAP"u8.ToArray())));
        Assert.True(HeapSnapFile.LooksLikeSnapshot(Write(SnapshotSections.SmallFile())));
        Assert.False(HeapSnapFile.LooksLikeSnapshot(Write("HEAPSNA"u8.ToArray())));
        Assert.False(HeapSnapFile.LooksLikeSnapshot(Write("HEAPSNAX and more"u8.ToArray())));
        Assert.False(HeapSnapFile.LooksLikeSnapshot(_directory.File("missing")));
        Assert.False(HeapSnapFile.LooksLikeSnapshot(_directory.Path));
        string fifo = _directory.File("fifo");
        Assert.Equal(0, PprofLimitsTests.Mkfifo(fifo));
        // Throws TimeoutException if the open blocks.
        Assert.False(await Task.Run(() => HeapSnapFile.LooksLikeSnapshot(fifo)).WaitAsync(TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void A_codec_this_version_does_not_know_is_named_with_its_section()
    {
        byte[] file = SnapshotSections.SmallFile();
        int at = 16;
        while (System.Text.Encoding.ASCII.GetString(file, at, 4) != "EDGE")
            at += SectionWriter.HeaderSize + (int)BitConverter.ToInt64(file, at + 16);
        BitConverter.TryWriteBytes(file.AsSpan(at + 4), 7u);
        string path = Write(file);
        Assert.Equal($"{path} is corrupt: section 'EDGE' uses codec 7, which this HeapLens does not read", Refusal(path));
    }

    [Fact]
    public void A_section_this_version_does_not_know_is_skipped()
    {
        var sections = SmallSections();
        sections.Insert(3, new CraftedSection("ZZZZ", Enumerable.Range(0, 300).Select(i => (byte)i).ToArray()));
        var snapshot = HeapSnapFile.Read(Write(SnapshotSections.Join(sections)));
        Assert.Equal(6, snapshot.NodeCount);
        Assert.Equal(24 + 32 + 40 + 48 + 56 + 64, snapshot.TotalBytes);
    }

    [Fact]
    public void Null_names_in_the_metadata_read_as_empty()
    {
        var sections = SmallSections();
        var meta = JsonNode.Parse(sections.Single(s => s.Tag == "META").Raw)!;
        foreach (string name in new[] { "ProcessName", "CommandLine", "RuntimeVersion", "HeapLensVersion" })
            meta[name] = null;
        var snapshot = HeapSnapFile.Read(Write(SnapshotSections.Join(sections.Select(s =>
            s.Tag == "META" ? new CraftedSection("META", System.Text.Encoding.UTF8.GetBytes(meta.ToJsonString())) : s))));
        Assert.Equal("", snapshot.Metadata.ProcessName);
        Assert.Equal("", snapshot.Metadata.CommandLine);
        Assert.Equal("", snapshot.Metadata.RuntimeVersion);
        Assert.Equal("", snapshot.Metadata.HeapLensVersion);
        Assert.Equal(42, snapshot.Metadata.ProcessId);
    }

    /// <summary>Crafted files and what follows "PATH is corrupt: " in their refusal.</summary>
    public static TheoryData<string, byte[], string> CorruptFiles()
    {
        var data = new TheoryData<string, byte[], string>();
        var sections = SmallSections();
        // Each required section that no other section depends on, missing alone (ADDR and ECNT are
        // missed earlier, by the sections that need them).
        foreach (string tag in new[] { "META", "TYPE", "SIZE", "TIDX", "EDGE", "ROOT" })
            data.Add($"no {tag}", SnapshotSections.Join(sections.Where(s => s.Tag != tag)), "a required section is missing");
        data.Add("SIZE first", SnapshotSections.Join(sections.OrderBy(s => s.Tag == "SIZE" ? 0 : 1)),
            "section 'SIZE' comes before the addresses");
        data.Add("EDGE before ECNT", SnapshotSections.Join(sections.Select(s => s.Tag switch
            {
                "ECNT" => sections.Single(e => e.Tag == "EDGE"),
                "EDGE" => sections.Single(e => e.Tag == "ECNT"),
                _ => s,
            })), "section 'EDGE' comes before the reference counts");
        data.Add("EDGE one short", With("EDGE", Ints(1, 1, 1, 4)), "section 'EDGE' disagrees with the reference counts");
        // A second ADDR after the others replaces the 6 addresses by 5 (five differences of 0, a byte each): the arrays no longer agree.
        var secondAddresses = new CraftedSection("ADDR", new byte[5]);
        data.Add("two ADDR", SnapshotSections.Join([.. sections.SkipLast(1), secondAddresses, sections[^1]]),
            "node and edge arrays disagree in length");
        // A second ADDR of 5 objects after SIZE, the sections after it agreeing with it: only SIZE disagrees.
        var fiveObjects = new Dictionary<string, CraftedSection>
        {
            ["TIDX"] = new("TIDX", Ints(0, 1, 2, 0, 1)),
            ["ECNT"] = new("ECNT", Ints(0, 0, 0, 0, 0)),
            ["EDGE"] = new("EDGE", []),
        };
        data.Add("SIZE of 6 before an ADDR of 5", SnapshotSections.Join(sections.SelectMany(s =>
                s.Tag == "SIZE" ? [s, secondAddresses] : new[] { fiveObjects.GetValueOrDefault(s.Tag, s) })),
            "node and edge arrays disagree in length");
        data.Add("type 3 of 3", With("TIDX", Ints(0, 1, 2, 0, 1, 3)), "a type index is out of range");
        data.Add("root 6 of 6", With("ROOT", Roots(node: 6, nameIndex: 0)), "a root is out of range");
        data.Add("root name 1 of 1", With("ROOT", Roots(node: 0, nameIndex: 1)), "a root name is out of range");
        data.Add("root name -2", With("ROOT", Roots(node: 0, nameIndex: -2)), "a root name is out of range");
        data.Add("root count -1", With("ROOT", Ints(-1)), "a bad root count");
        // 35 bytes hold 3 roots of 9 bytes.
        data.Add("root count 5", With("ROOT", [.. Ints(5, 0), RootKindStatic, .. Ints(0), .. SnapshotSections.Strings(1, "App.Program.Cache")]),
            "a bad root count");
        data.Add("string count 5 in 2 bytes", With("TYPE", [.. Ints(5), 1, (byte)'a']), "a string count of 5 in 2 bytes");
        // BinaryReader refuses a negative string length with an IOException: 7-bit encoded -1.
        data.Add("string of length -1", With("TYPE", [.. Ints(1), 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]), "a section's contents do not parse");
        data.Add("huge object 6 of 6", With("HUGE", [.. Ints(6), .. BitConverter.GetBytes(5L << 30)]),
            "a huge object size belongs to object 6, outside the graph");
        // Exactly the most references passes ECNT; EDGE, 5 references, then disagrees.
        data.Add("the most references", With("ECNT", Ints(HeapSnapshot.MaxReferences, 0, 0, 0, 0, 0)),
            "section 'EDGE' disagrees with the reference counts");

        data.Add("negative edge count", With("ECNT", Ints(1, 1, 1, 0, 2, -1)), "a negative edge count");
        data.Add("edge past the end", With("EDGE", Ints(1, 1, 1, 4, 1)), "an edge points outside the graph");
        data.Add("HUGE of 11 bytes", With("HUGE", new byte[11]), "the huge object sizes are cut off");
        data.Add("metadata null", With("META", "null"u8.ToArray()), "empty metadata");
        data.Add("metadata cut", With("META", "{\"ProcessId\":"u8.ToArray()), "unreadable metadata");
        // A count of 2 fits the 2 bytes left, but the first string claims 5 bytes.
        data.Add("string cut", With("TYPE", [.. Ints(2), 5, (byte)'a']), "a section's contents do not parse");
        // Version 1: one uint64 per object.
        data.Add("v1 ADDR of 49 bytes", SnapshotSections.WithSection("ADDR", new byte[49], version: 1), "section 'ADDR' has 1 unexpected bytes");
        data.Add("v1 ADDR of 5 objects", SnapshotSections.WithSection("ADDR", new byte[5 * 8], version: 1),
            "section 'SIZE' disagrees with the addresses on the number of objects");
        // Version 2: LEB128 differences, one per object (the small snapshot's six take a byte each).
        data.Add("ADDR of 7 objects", With("ADDR", new byte[7]), "section 'SIZE' disagrees with the addresses on the number of objects");
        data.Add("ADDR of 5 objects", With("ADDR", new byte[5]), "section 'SIZE' disagrees with the addresses on the number of objects");
        data.Add("ADDR of 11 bytes", With("ADDR", [0, 0, .. Continued(10), 1]), "section 'ADDR' has a difference longer than 10 bytes (object 2)");
        data.Add("ADDR over 64 bits", With("ADDR", [0, .. Continued(9), 2, 0, 0, 0, 0]), "section 'ADDR' has a difference over 64 bits (object 1)");
        data.Add("ADDR with 0x7F after 9", With("ADDR", [0, .. Continued(9), 0x7F, 0, 0, 0, 0]), "section 'ADDR' has a difference over 64 bits (object 1)");
        data.Add("ADDR not shortest", With("ADDR", [0, 0, 0, 0x80, 0, 0, 0]), "section 'ADDR' has a difference longer than its shortest form (object 3)");
        data.Add("ADDR unfinished", With("ADDR", [0, 0, 0, 0, 0, 0x80]), "section 'ADDR' has an unfinished difference at its end (object 5)");
        data.Add("ADDR unfinished after 6", With("ADDR", [0, 0, 0, 0, 0, 0, 0xFF]), "section 'ADDR' has an unfinished difference at its end (object 6)");
        return data;
    }

    /// <summary><paramref name="count"/> bytes with the high bit set: a difference's groups that more follow.</summary>
    private static byte[] Continued(int count) => Enumerable.Repeat((byte)0x80, count).ToArray();

    [Fact]
    public void A_file_that_ends_where_a_section_header_should_be_is_truncated()
    {
        var sections = SmallSections();
        string noEnd = Write(SnapshotSections.Join(sections.SkipLast(1)));
        Assert.Equal($"{noEnd} is truncated (an incomplete or interrupted write?)", Refusal(noEnd));
        string cutInHeader = Write(SnapshotSections.Join(sections)[..^20]); // END! is a 32-byte header
        Assert.Equal($"{cutInHeader} is truncated (an incomplete or interrupted write?)", Refusal(cutInHeader));
    }

    private static byte[] Roots(int node, int nameIndex) =>
        [.. Ints(1, node), (byte)RootKindStatic, .. Ints(nameIndex), .. SnapshotSections.Strings(1, "App.Program.Cache")];

    private const byte RootKindStatic = (byte)RootKind.Static;

    [Theory]
    [MemberData(nameof(CorruptFiles))]
    public void A_crafted_file_is_refused_with_its_exact_reason(string lie, byte[] file, string reason)
    {
        string path = Write(file);
        Assert.True(Refusal(path) == $"{path} is corrupt: {reason}", $"{lie}: {Refusal(path)}");
    }

    [Fact]
    public void Two_huge_sizes_for_one_object_are_refused()
    {
        var huge = new byte[24];
        for (int at = 0; at < 24; at += 12)
        {
            BitConverter.TryWriteBytes(huge.AsSpan(at), 2);
            BitConverter.TryWriteBytes(huge.AsSpan(at + 4), 5L << 30);
        }
        string path = Write(SnapshotSections.WithSection("HUGE", huge));
        Assert.Equal($"{path} is corrupt: an object has two huge sizes", Refusal(path));
    }

    [Fact]
    public void Objects_adding_up_past_any_address_space_are_refused_with_the_total()
    {
        long most = HeapSnapshot.MaxHeapBytes;
        string path = Write(SnapshotSections.SmallFile(SnapshotSections.Small(hugeSizes: new() { [1] = most, [2] = most })));
        long total = 24 + 48 + 56 + 64 + 2 * most;
        Assert.Equal($"{path} is corrupt: its objects add up to {total:N0} bytes, more than any address space holds", Refusal(path));
    }

    [Fact]
    public void Edge_counts_past_the_most_references_are_refused_with_the_limit()
    {
        string path = Write(With("ECNT", Ints(int.MaxValue, 1, 0, 0, 0, 0)));
        Assert.Equal($"{path} holds more than {HeapSnapshot.MaxReferences:N0} references, the most HeapLens reads", Refusal(path));
    }
}
