using System.Text;
using System.Text.Json;
using HeapLens.Snapshots;

namespace HeapLens.Formats.HeapSnap;

/// <summary>
/// The .heapsnap file: "HEAPSNAP", a version, then compressed, checksummed sections (metadata, type
/// names, node arrays, edges, roots) and an END section. Written to a temporary file and renamed into
/// place, so a reader never sees half a snapshot. Layout: docs/heapsnap-format.md.
/// </summary>
public static class HeapSnapFile
{
    /// <summary>The version written; every version from 1 up to it is read (1 holds DEFLATE sections only).</summary>
    public const int Version = 2;
    private static ReadOnlySpan<byte> Magic => "HEAPSNAP"u8;
    private const int ChunkValues = 1 << 16;

    /// <summary>Whether the file starts like a .heapsnap (the content decides, not the name).</summary>
    public static bool LooksLikeSnapshot(string path)
    {
        try
        {
            // Devices and pipes report no length: never opened (a FIFO would block the open).
            if (!File.Exists(path) || new FileInfo(path).Length < Magic.Length)
                return false;
            using var file = File.OpenRead(path);
            Span<byte> start = stackalloc byte[8];
            return file.ReadAtLeast(start, 8, throwOnEndOfStream: false) == 8 && start.SequenceEqual(Magic);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static void Write(HeapSnapshot snapshot, string path) => Write(snapshot, path, SectionCodec.Lz4Blocks);

    /// <summary>
    /// With <see cref="SectionCodec.Deflate"/>: a version-1 file, as HeapLens wrote before LZ4 (for tests of the
    /// version-1 read path with real bytes, and for comparisons).
    /// </summary>
    internal static void Write(HeapSnapshot snapshot, string path, SectionCodec codec) =>
        AtomicFile.Write(path, file => WriteTo(snapshot, file, codec), bufferSize: 1 << 20);

    /// <summary>
    /// Writes the snapshot to a stream (an HTTP response, a pipe): the same bytes as a file. Unlike
    /// <see cref="Write(HeapSnapshot, string)"/> nothing is atomic: a failure leaves the stream cut.
    /// </summary>
    public static void Write(HeapSnapshot snapshot, Stream output) => WriteTo(snapshot, output, SectionCodec.Lz4Blocks);

    private static void WriteTo(HeapSnapshot snapshot, Stream file, SectionCodec codec)
    {
        // The reader's limits, checked before a byte is written: never a file HeapLens cannot read back.
        if (snapshot.NodeCount > HeapSnapshot.MaxObjects)
            throw new HeapLensException($"the snapshot holds {snapshot.NodeCount:N0} objects; a .heapsnap holds at most {HeapSnapshot.MaxObjects:N0}");
        // DEFLATE is version 1's codec, and version 1 is what it writes; the layout of ADDR follows the version.
        int version = codec == SectionCodec.Deflate ? 1 : Version;
        file.Write(Magic);
        Span<byte> versionBytes = stackalloc byte[8];
        BitConverter.TryWriteBytes(versionBytes, version);
        file.Write(versionBytes); // version, then 4 reserved bytes

        // Compressing is the slow part of writing: each section's blocks are compressed on every core while this
        // thread produces the next ones, and each section is written as soon as its blocks are done.
        var sections = new List<(uint Tag, Action<SectionWriter> Write)>
        {
            (SectionTag.Metadata, s => s.Write(JsonSerializer.SerializeToUtf8Bytes(snapshot.Metadata, MetadataJson.Default.SnapshotMetadata))),
            (SectionTag.TypeNames, s => s.Write(EncodeStrings(snapshot.TypeNames))),
            (SectionTag.Addresses, s => WriteAddresses(s, snapshot, version)),
            (SectionTag.Sizes, s => s.Write<uint>(snapshot.Sizes)),
            (SectionTag.HugeSizes, s => s.Write(EncodeHugeSizes(snapshot.HugeSizes))),
            (SectionTag.TypeIndex, s => s.Write<int>(snapshot.TypeIndex)),
            (SectionTag.EdgeCounts, s => WriteEdgeCounts(s, snapshot.EdgeStart)),
            (SectionTag.EdgeTargets, s => WriteRelativeTargets(s, snapshot.EdgeStart, snapshot.EdgeTargets)),
            (SectionTag.Roots, s => s.Write(EncodeRoots(snapshot.Roots))),
        };
        if (snapshot.Allocations is { } sites)
            sections.Add((SectionTag.AllocationSites, s => s.Write(AllocationSitesSection.Encode(sites))));
        sections.Add((SectionTag.End, _ => { }));
        using var compressor = new BlockCompressor(BlockCompressor.DefaultThreads);
        foreach (var (tag, write) in sections)
        {
            using var section = new SectionWriter(file, tag, compressor, codec: codec);
            write(section);
            section.Finish();
        }
    }

    public static HeapSnapshot Read(string path)
    {
        FileStream file;
        try
        {
            // Devices and pipes report no length: refused before the open, which would block on a FIFO.
            if (File.Exists(path) && new FileInfo(path).Length == 0)
                throw new HeapLensException($"{path} is empty (or not a regular file)");
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        }
        catch (FileNotFoundException)
        {
            throw new HeapLensException($"{path}: no such file");
        }
        catch (DirectoryNotFoundException)
        {
            throw new HeapLensException($"{path}: no such file");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HeapLensException($"cannot read {path}: {e.Message}");
        }
        using (file)
        {
            if (file.Length == 0)
                throw new HeapLensException($"{path} is empty");
            Span<byte> header = stackalloc byte[16];
            int read = file.ReadAtLeast(header, 16, throwOnEndOfStream: false);
            if (read < 8 || !header[..8].SequenceEqual(Magic))
                throw new HeapLensException($"{path} is not a HeapLens snapshot (.heapsnap)");
            if (read < 16)
                throw new HeapLensException($"{path} is truncated (an incomplete or interrupted write?)");
            int version = BitConverter.ToInt32(header[8..]);
            if (version is < 1 or > Version)
                throw new HeapLensException($"{path} is a version {version} snapshot; this HeapLens reads versions 1 to {Version}");
            try
            {
                return ReadSections(new SectionReader(file, path, version), path);
            }
            catch (IOException e)
            {
                throw new HeapLensException($"cannot read {path}: {e.Message}");
            }
        }
    }

    private static HeapSnapshot ReadSections(SectionReader reader, string path)
    {
        SnapshotMetadata? metadata = null;
        string[]? typeNames = null;
        PackedAddresses? addresses = null;
        uint[]? sizes = null;
        Dictionary<int, long>? hugeSizes = null;
        int[]? typeIndex = null;
        int[]? edgeStart = null;
        int[]? edgeTargets = null;
        HeapRoots? roots = null;
        AllocationSites? sites = null;

        while (true)
        {
            var section = reader.Next();
            if (section.Tag == SectionTag.End)
                break;
            if (section.Tag == SectionTag.Metadata)
                metadata = DecodeMetadata(reader.ReadRemaining(), reader);
            else if (section.Tag == SectionTag.TypeNames)
                typeNames = DecodeStrings(reader.ReadRemaining(), reader);
            else if (section.Tag == SectionTag.Addresses)
                addresses = reader.Version == 1
                    ? ReadPackedAddresses(reader, ObjectCount(reader, section))
                    : ReadPackedDifferences(reader, section, HeapSnapshot.MaxObjects);
            else if (section.Tag == SectionTag.Sizes)
                sizes = reader.ReadArray<uint>(NodeValues(reader, section, addresses, sizeof(uint)));
            else if (section.Tag == SectionTag.HugeSizes)
                hugeSizes = DecodeHugeSizes(reader.ReadRemaining(), reader);
            else if (section.Tag == SectionTag.TypeIndex)
                typeIndex = reader.ReadArray<int>(NodeValues(reader, section, addresses, sizeof(int)));
            else if (section.Tag == SectionTag.EdgeCounts)
                edgeStart = ReadEdgeStarts(reader, NodeValues(reader, section, addresses, sizeof(int)));
            else if (section.Tag == SectionTag.EdgeTargets)
                edgeTargets = reader.ReadArray<int>(EdgeValues(reader, section, edgeStart));
            else if (section.Tag == SectionTag.Roots)
                roots = DecodeRoots(reader.ReadRemaining(), reader);
            else if (section.Tag == SectionTag.AllocationSites)
                sites = AllocationSitesSection.Decode(reader.ReadRemaining(), reader,
                    addresses?.Count ?? throw reader.Corrupt($"section '{section.Name}' comes before the addresses"));
            else
            {
                reader.Skip();
                continue;
            }
            reader.Finish();
        }

        if (metadata is null || typeNames is null || addresses is null || sizes is null || typeIndex is null
            || edgeStart is null || edgeTargets is null || roots is null)
            throw reader.Corrupt("a required section is missing");
        Validate(reader, typeNames, addresses, sizes, hugeSizes, typeIndex, edgeStart, edgeTargets, roots);
        ResolveRelativeTargets(edgeStart, edgeTargets, reader);
        var snapshot = new HeapSnapshot(metadata, typeNames, addresses, sizes, hugeSizes, typeIndex, edgeStart, edgeTargets, roots);
        if (sites is not null)
            snapshot.Attach(sites); // its nodes were checked against the addresses when it was read
        return snapshot;
    }

    /// <summary>
    /// The object count a version-1 ADDR declares, refused beyond what HeapLens can hold; never negative, as
    /// <see cref="SectionReader.Next"/> refuses a negative raw length.
    /// </summary>
    private static int ObjectCount(SectionReader reader, SectionReader.Header section)
    {
        long count = section.RawLength / sizeof(ulong);
        if (count > HeapSnapshot.MaxObjects)
            throw new HeapLensException(
                $"{reader.Path} holds {count:N0} objects; HeapLens reads at most {HeapSnapshot.MaxObjects:N0}");
        return (int)count;
    }

    /// <summary>
    /// The values a per-object section must hold: one per object of ADDR, which comes first (the
    /// writer's order). Checked before anything is allocated, so a section cannot claim more
    /// objects than the decompressed addresses back.
    /// </summary>
    private static long NodeValues(SectionReader reader, SectionReader.Header section, PackedAddresses? addresses, int valueSize)
    {
        if (addresses is null)
            throw reader.Corrupt($"section '{section.Name}' comes before the addresses");
        if (section.RawLength != (long)addresses.Count * valueSize)
            throw reader.Corrupt($"section '{section.Name}' disagrees with the addresses on the number of objects");
        return addresses.Count;
    }

    /// <summary>The references EDGE must hold: the sum of ECNT, which comes first.</summary>
    private static long EdgeValues(SectionReader reader, SectionReader.Header section, int[]? edgeStart)
    {
        if (edgeStart is null)
            throw reader.Corrupt($"section '{section.Name}' comes before the reference counts");
        if (section.RawLength != (long)edgeStart[^1] * sizeof(int))
            throw reader.Corrupt($"section '{section.Name}' disagrees with the reference counts");
        return edgeStart[^1];
    }

    /// <summary>Every index must point inside its array: a checksum can collide, an out-of-range index must never reach an analysis.</summary>
    private static void Validate(SectionReader reader, string[] typeNames, PackedAddresses addresses, uint[] sizes,
        Dictionary<int, long>? hugeSizes, int[] typeIndex, int[] edgeStart, int[] edgeTargets, HeapRoots roots)
    {
        int n = addresses.Count;
        if (sizes.Length != n || typeIndex.Length != n || edgeStart.Length != n + 1 || edgeStart[n] != edgeTargets.Length)
            throw reader.Corrupt("node and edge arrays disagree in length");
        foreach (int type in typeIndex)
            if ((uint)type >= (uint)typeNames.Length)
                throw reader.Corrupt("a type index is out of range");
        foreach (int node in roots.Nodes)
            if ((uint)node >= (uint)n)
                throw reader.Corrupt("a root is out of range");
        foreach (int name in roots.NameIndex)
            if (name < -1 || name >= roots.Names.Length)
                throw reader.Corrupt("a root name is out of range");
        ValidateSizes(reader, sizes, hugeSizes ?? []);
    }

    /// <summary>
    /// A HUGE entry must belong to an object marked huge in SIZE and hold a size of 4 GB or more;
    /// the heap's total must fit an address space, so every sum of sizes stays a valid long.
    /// </summary>
    private static void ValidateSizes(SectionReader reader, uint[] sizes, Dictionary<int, long> hugeSizes)
    {
        long total = 0;
        foreach (uint size in sizes)
            total += size; // at most 2^31 sizes below 2^32: no overflow
        foreach (var (node, size) in hugeSizes)
        {
            if ((uint)node >= (uint)sizes.Length)
                throw reader.Corrupt($"a huge object size belongs to object {node}, outside the graph");
            if (sizes[node] != uint.MaxValue || size < uint.MaxValue || size > HeapSnapshot.MaxHeapBytes)
                throw reader.Corrupt($"object {node} has an impossible huge size {size}");
            total += size - uint.MaxValue;
        }
        if (total > HeapSnapshot.MaxHeapBytes)
            throw reader.Corrupt($"its objects add up to {total:N0} bytes, more than any address space holds");
    }

    /// <summary>
    /// Version 2 stores the addresses as they are held in memory, LEB128 differences (<see cref="PackedAddresses"/>):
    /// packed addresses (a capture's, a loaded file's) are written as they are, plain ones packed a chunk at a time on
    /// their way, in the one encoding, so the same addresses give the same bytes either way. Version 1 stores one
    /// uint64 difference per object: packed addresses are decoded a chunk at a time, never unpacked whole.
    /// </summary>
    private static void WriteAddresses(SectionWriter section, HeapSnapshot snapshot, int version)
    {
        var packed = snapshot.PackedAddressesIfPacked;
        if (version >= 2)
        {
            if (packed is not null)
            {
                section.Write(packed.Bytes);
                return;
            }
            var bytes = new byte[ChunkValues * PackedAddresses.MaxBytes];
            long written = 0;
            WriteDifferences(snapshot.Addresses, chunk =>
            {
                int length = PackedAddresses.Encode(chunk, bytes);
                // What the reader holds in one array; only plain addresses far apart get there (packed ones are one array already).
                if ((written += length) > Array.MaxLength)
                    throw new HeapLensException($"the snapshot's addresses take more than {Array.MaxLength:N0} bytes packed; a .heapsnap holds at most {Array.MaxLength:N0}");
                section.Write(bytes.AsSpan(0, length));
            });
            return;
        }
        if (packed is null)
        {
            WriteDifferences(snapshot.Addresses, chunk => section.Write(chunk));
            return;
        }
        var values = new ulong[ChunkValues];
        var differences = packed.ReadDifferences();
        int read;
        while ((read = differences.Read(values)) > 0)
            section.Write<ulong>(values.AsSpan(0, read));
    }

    /// <summary>
    /// The addresses' differences (the first from 0), a chunk at a time. Addresses are nearly sorted (heap-walk order),
    /// so their differences are small numbers, that pack and compress well.
    /// </summary>
    private static void WriteDifferences(ulong[] addresses, Action<ReadOnlySpan<ulong>> write)
    {
        var chunk = new ulong[ChunkValues];
        ulong previous = 0;
        for (int start = 0; start < addresses.Length; start += ChunkValues)
        {
            int count = Math.Min(ChunkValues, addresses.Length - start);
            for (int i = 0; i < count; i++)
            {
                ulong value = addresses[start + i];
                chunk[i] = value - previous;
                previous = value;
            }
            write(chunk.AsSpan(0, count));
        }
    }

    /// <summary>
    /// Version 1: the addresses stay packed in memory (most reports never need them): the stored differences
    /// are read a chunk at a time and packed, never as a whole array of 8 bytes per object.
    /// </summary>
    /// <param name="count">From <see cref="ObjectCount"/>: 0 to <see cref="HeapSnapshot.MaxObjects"/>.</param>
    private static PackedAddresses ReadPackedAddresses(SectionReader reader, int count)
    {
        using var packed = new PackedAddresses.Builder(count);
        var chunk = new ulong[ChunkValues];
        for (long done = 0; done < count; done += ChunkValues)
        {
            var part = chunk.AsSpan(0, (int)Math.Min(ChunkValues, count - done));
            reader.Read<ulong>(part);
            packed.AppendDifferences(part);
        }
        return packed.Build();
    }

    /// <summary>
    /// Version 2: the section's bytes are the packed addresses themselves, read into their array as they arrive (its
    /// room growing with the data, not the header's claim) and checked a chunk at a time, objects counted as they go.
    /// </summary>
    /// <param name="maxObjects">The most objects read (<see cref="HeapSnapshot.MaxObjects"/>; smaller in tests).</param>
    internal static PackedAddresses ReadPackedDifferences(SectionReader reader, SectionReader.Header section, int maxObjects)
    {
        // The packed bytes are one array: the object limit is not the only one (differences of several bytes).
        if (section.RawLength > Array.MaxLength)
            throw new HeapLensException(
                $"{reader.Path} holds {section.RawLength:N0} bytes of packed addresses; HeapLens reads at most {Array.MaxLength:N0}");
        var checker = new PackedAddresses.Checker();
        byte[] bytes = reader.ReadArray<byte>(section.RawLength, arrived =>
        {
            if (checker.Check(arrived) is { } wrong)
                throw reader.Corrupt($"section '{section.Name}' has {wrong}");
            if (checker.Count > maxObjects)
                throw new HeapLensException($"{reader.Path} holds more than {maxObjects:N0} objects; HeapLens reads at most {maxObjects:N0}");
        });
        if (checker.CheckEnd() is { } unfinished)
            throw reader.Corrupt($"section '{section.Name}' has {unfinished}");
        return checker.Build(bytes);
    }

    private static void WriteEdgeCounts(SectionWriter section, int[] edgeStart)
    {
        var chunk = new int[ChunkValues];
        int nodes = edgeStart.Length - 1;
        for (int start = 0; start < nodes; start += ChunkValues)
        {
            int count = Math.Min(ChunkValues, nodes - start);
            for (int i = 0; i < count; i++)
                chunk[i] = edgeStart[start + i + 1] - edgeStart[start + i];
            section.Write<int>(chunk.AsSpan(0, count));
        }
    }

    private static int[] ReadEdgeStarts(SectionReader reader, long nodeCount)
    {
        // nodeCount matched the addresses already read, so this allocation is backed by data.
        var starts = new int[nodeCount + 1];
        reader.Read<int>(starts.AsSpan(1));
        long running = 0;
        for (int i = 1; i < starts.Length; i++)
        {
            if (starts[i] < 0)
                throw reader.Corrupt("a negative edge count");
            running += starts[i];
            if (running > HeapSnapshot.MaxReferences)
                throw new HeapLensException(
                    $"{reader.Path} holds more than {HeapSnapshot.MaxReferences:N0} references, the most HeapLens reads");
            starts[i] = (int)running;
        }
        return starts;
    }

    // Objects mostly point at objects allocated near them, so target - source is a small number.
    private static void WriteRelativeTargets(SectionWriter section, int[] edgeStart, int[] edgeTargets)
    {
        var chunk = new int[ChunkValues];
        int filled = 0;
        for (int node = 0; node < edgeStart.Length - 1; node++)
        {
            for (int e = edgeStart[node]; e < edgeStart[node + 1]; e++)
            {
                chunk[filled++] = edgeTargets[e] - node;
                if (filled == ChunkValues)
                {
                    section.Write<int>(chunk);
                    filled = 0;
                }
            }
        }
        section.Write<int>(chunk.AsSpan(0, filled));
    }

    private static void ResolveRelativeTargets(int[] edgeStart, int[] edgeTargets, SectionReader reader)
    {
        int nodes = edgeStart.Length - 1;
        for (int node = 0; node < nodes; node++)
        {
            for (int e = edgeStart[node]; e < edgeStart[node + 1]; e++)
            {
                int target = edgeTargets[e] + node;
                if ((uint)target >= (uint)nodes)
                    throw reader.Corrupt("an edge points outside the graph");
                edgeTargets[e] = target;
            }
        }
    }

    private static byte[] EncodeStrings(IReadOnlyList<string> strings)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(strings.Count);
            foreach (string s in strings)
                writer.Write(s);
        }
        return buffer.ToArray();
    }

    private static string[] DecodeStrings(byte[] bytes, SectionReader reader) =>
        Decode(bytes, reader, r => ReadStrings(r, reader));

    /// <summary>
    /// Strings as BinaryWriter wrote them. Each takes at least its one-byte length, so a count above
    /// the bytes left is refused before the array is allocated. Names come from the target process:
    /// they are made safe to print here, once, for every view.
    /// </summary>
    private static string[] ReadStrings(BinaryReader r, SectionReader reader)
    {
        int count = r.ReadInt32();
        if (count < 0 || count > r.BaseStream.Length - r.BaseStream.Position)
            throw reader.Corrupt($"a string count of {count} in {r.BaseStream.Length - r.BaseStream.Position} bytes");
        var strings = new string[count];
        for (int i = 0; i < count; i++)
            strings[i] = SafeText.Of(r.ReadString());
        return strings;
    }

    private static byte[] EncodeHugeSizes(Dictionary<int, long> hugeSizes)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            foreach (var (node, size) in hugeSizes.OrderBy(p => p.Key))
            {
                writer.Write(node);
                writer.Write(size);
            }
        }
        return buffer.ToArray();
    }

    private static Dictionary<int, long> DecodeHugeSizes(byte[] bytes, SectionReader reader)
    {
        if (bytes.Length % 12 != 0)
            throw reader.Corrupt("the huge object sizes are cut off");
        var sizes = new Dictionary<int, long>();
        for (int at = 0; at < bytes.Length; at += 12)
            if (!sizes.TryAdd(BitConverter.ToInt32(bytes, at), BitConverter.ToInt64(bytes, at + 4)))
                throw reader.Corrupt("an object has two huge sizes");
        return sizes;
    }

    private static byte[] EncodeRoots(HeapRoots roots)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(roots.Count);
            for (int r = 0; r < roots.Count; r++)
            {
                writer.Write(roots.Nodes[r]);
                writer.Write((byte)roots.Kinds[r]);
                writer.Write(roots.NameIndex[r]);
            }
            writer.Write(roots.Names.Length);
            foreach (string name in roots.Names)
                writer.Write(name);
        }
        return buffer.ToArray();
    }

    private static HeapRoots DecodeRoots(byte[] bytes, SectionReader reader) => Decode(bytes, reader, r =>
    {
        int count = r.ReadInt32();
        if (count < 0 || count > bytes.Length / 9)
            throw reader.Corrupt("a bad root count");
        var nodes = new int[count];
        var kinds = new RootKind[count];
        var nameIndex = new int[count];
        for (int i = 0; i < count; i++)
        {
            nodes[i] = r.ReadInt32();
            kinds[i] = (RootKind)r.ReadByte();
            nameIndex[i] = r.ReadInt32();
        }
        return new HeapRoots(nodes, kinds, nameIndex, ReadStrings(r, reader));
    });

    private static SnapshotMetadata DecodeMetadata(byte[] bytes, SectionReader reader)
    {
        try
        {
            var metadata = JsonSerializer.Deserialize(bytes, MetadataJson.Default.SnapshotMetadata) ?? throw reader.Corrupt("empty metadata");
            return metadata with
            {
                ProcessName = SafeText.Of(metadata.ProcessName ?? ""),
                CommandLine = SafeText.Of(metadata.CommandLine ?? ""),
                RuntimeVersion = SafeText.Of(metadata.RuntimeVersion ?? ""),
                HeapLensVersion = SafeText.Of(metadata.HeapLensVersion ?? ""),
            };
        }
        catch (JsonException)
        {
            throw reader.Corrupt("unreadable metadata");
        }
    }

    private static T Decode<T>(byte[] bytes, SectionReader reader, Func<BinaryReader, T> read)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
            return read(r);
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or IOException or ArgumentException)
        {
            throw reader.Corrupt("a section's contents do not parse");
        }
    }
}
