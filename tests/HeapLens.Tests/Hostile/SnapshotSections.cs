using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;
using HeapLens.Formats.HeapSnap;
using HeapLens.Snapshots;
using HeapLens.Tests.Analysis;

namespace HeapLens.Tests.Hostile;

/// <summary>One section of a .heapsnap as a test crafts it: the decompressed payload, and what its header claims.</summary>
internal sealed record CraftedSection(string Tag, byte[] Raw)
{
    /// <summary>The raw length the header claims; the payload's real length unless a test lies.</summary>
    public long? ClaimedRawLength { get; init; }
}

/// <summary>
/// Takes real .heapsnap files apart into sections (either codec) and puts crafted ones together, with valid
/// checksums, so that a test reaches the reader's checks past the checksum. Crafted files are version 2 with
/// DEFLATE sections, which version 2 allows: DEFLATE lets a test claim any raw length over junk stored bytes.
/// Version 1 files, whose ADDR holds uint64 differences, are crafted from a version-1 file's sections.
/// </summary>
internal static class SnapshotSections
{
    /// <summary>A small real snapshot: three types, a chain, a static root with a name.</summary>
    public static HeapSnapshot Small(string[]? typeNames = null, string[]? rootNames = null, Dictionary<int, long>? hugeSizes = null)
    {
        var graph = TestGraph.Build(6, [(0, 1), (1, 2), (2, 3), (0, 4), (4, 5)], [TestGraph.Strong(0)],
            sizeOf: i => (uint)(24 + 8 * i), typeOf: i => i % 3, typeNames: typeNames ?? ["App.Cache", "App.Node", "System.Byte[]"],
            hugeSizes: hugeSizes);
        if (hugeSizes is not null)
            foreach (int node in hugeSizes.Keys)
                graph.Sizes[node] = uint.MaxValue;
        var roots = new HeapRoots([0], [RootKind.Static], [0], rootNames ?? ["App.Program.Cache"]);
        return new HeapSnapshot(new SnapshotMetadata { ProcessName = "App", ProcessId = 42 }, graph.TypeNames, graph.Addresses,
            graph.Sizes, graph.HugeSizes, graph.TypeIndex, graph.EdgeStart, graph.EdgeTargets, roots);
    }

    /// <summary>
    /// The snapshot with allocation sites: every <paramref name="every"/>-th object sampled, two stacks
    /// (App.Program.Main -> App.Store.Add at Store.cs:12, and a stack without lines) over three frames.
    /// </summary>
    public static HeapSnapshot WithSites(HeapSnapshot snapshot, int every = 2)
    {
        int[] nodes = Enumerable.Range(0, snapshot.NodeCount).Where(n => n % every == 0).ToArray();
        int[] stackOf = nodes.Select(n => n % 3 == 0 ? 0 : 1).ToArray();
        snapshot.Attach(new AllocationSites(new AllocationWindow(12.5, 102400, 1000, nodes.Length, 0), nodes, stackOf,
            stackStart: [0, 2, 3], stackFrames: [0, 1, 2], frameFunction: [0, 2, 3], frameFile: [1, 1, -1], frameLine: [12, 40, 0],
            strings: ["App.Store.Add", "/src/Store.cs", "App.Program.Main", "System.Runtime.Helper"]));
        return snapshot;
    }

    /// <param name="version">1 writes DEFLATE sections and ADDR as uint64 differences, as HeapLens wrote before version 2.</param>
    public static byte[] SmallFile(HeapSnapshot? snapshot = null, int version = HeapSnapFile.Version)
    {
        using var directory = new Infrastructure.TempDirectory();
        string path = directory.File("small.heapsnap");
        HeapSnapFile.Write(snapshot ?? Small(), path, version == 1 ? SectionCodec.Deflate : SectionCodec.Lz4Blocks);
        return File.ReadAllBytes(path);
    }

    public static List<CraftedSection> Split(byte[] file)
    {
        var sections = new List<CraftedSection>();
        int at = 16;
        while (at < file.Length)
        {
            string tag = Encoding.ASCII.GetString(file, at, 4);
            uint codec = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 4));
            long stored = BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(at + 16));
            at += SectionWriter.HeaderSize;
            byte[] raw = [];
            if (tag != "END!" && codec == (uint)SectionCodec.Lz4Blocks)
            {
                raw = Lz4Decode(file.AsSpan(at, (int)stored));
            }
            else if (tag != "END!")
            {
                using var inflate = new DeflateStream(new MemoryStream(file, at, (int)stored), CompressionMode.Decompress);
                using var buffer = new MemoryStream();
                inflate.CopyTo(buffer);
                raw = buffer.ToArray();
            }
            sections.Add(new CraftedSection(tag, raw));
            at += (int)stored;
        }
        return sections;
    }

    /// <summary>
    /// A codec-2 payload decoded as the format's description says, with nothing of HeapLens's reader: blocks of
    /// an 8-byte header (uint32 raw length, uint32 stored length) and one LZ4 block, decoded by K4os's LZ4Codec.
    /// </summary>
    public static byte[] Lz4Decode(ReadOnlySpan<byte> stored)
    {
        using var raw = new MemoryStream();
        while (!stored.IsEmpty)
        {
            int rawLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(stored));
            int storedLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(stored[4..]));
            var block = new byte[rawLength];
            if (K4os.Compression.LZ4.LZ4Codec.Decode(stored.Slice(8, storedLength), block) != rawLength)
                throw new InvalidDataException("an LZ4 block that does not decode to its raw length");
            raw.Write(block);
            stored = stored[(8 + storedLength)..];
        }
        return raw.ToArray();
    }

    /// <param name="version">The version the file claims: ADDR's layout depends on it (uint64 differences in version 1, LEB128 in 2).</param>
    public static byte[] Join(IEnumerable<CraftedSection> sections, int version = HeapSnapFile.Version)
    {
        using var file = new MemoryStream();
        file.Write("HEAPSNAP"u8);
        file.Write(BitConverter.GetBytes(version));
        file.Write(new byte[4]);
        foreach (var section in sections)
        {
            byte[] stored = [];
            if (section.Tag != "END!")
            {
                using var buffer = new MemoryStream();
                using (var deflate = new DeflateStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
                    deflate.Write(section.Raw);
                stored = buffer.ToArray();
            }
            var header = new byte[SectionWriter.HeaderSize].AsSpan();
            BinaryPrimitives.WriteUInt32LittleEndian(header, SectionTag.Of(section.Tag));
            BinaryPrimitives.WriteUInt32LittleEndian(header[4..], section.Tag == "END!" ? 0u : (uint)SectionCodec.Deflate);
            BinaryPrimitives.WriteInt64LittleEndian(header[8..], section.ClaimedRawLength ?? section.Raw.Length);
            BinaryPrimitives.WriteInt64LittleEndian(header[16..], stored.Length);
            BinaryPrimitives.WriteUInt64LittleEndian(header[24..], XxHash64.HashToUInt64(stored));
            file.Write(header);
            file.Write(stored);
        }
        return file.ToArray();
    }

    /// <summary>A real small snapshot with one section's payload replaced.</summary>
    public static byte[] WithSection(string tag, byte[] raw, long? claimedRawLength = null, int version = HeapSnapFile.Version) =>
        Join(Split(SmallFile(version: version)).Select(s => s.Tag == tag ? new CraftedSection(tag, raw) { ClaimedRawLength = claimedRawLength } : s),
            version);

    /// <summary>BinaryWriter's encoding of a list of strings with a chosen count.</summary>
    public static byte[] Strings(int count, params string[] strings)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(count);
            foreach (string s in strings)
                writer.Write(s);
        }
        return buffer.ToArray();
    }
}
