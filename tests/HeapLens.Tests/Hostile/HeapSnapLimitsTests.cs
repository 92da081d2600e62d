using System.IO.Compression;
using HeapLens.Formats.HeapSnap;
using HeapLens.Snapshots;
using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Hostile;

/// <summary>
/// The .heapsnap reader against crafted files whose checksums are right but whose contents lie:
/// each gets one HeapLensException, never another exception, and memory follows the data.
/// </summary>
public sealed class HeapSnapLimitsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private (HeapLensException Error, long AllocatedBytes) ReadFails(byte[] file)
    {
        string path = _directory.File(Guid.NewGuid().ToString("N") + ".heapsnap");
        File.WriteAllBytes(path, file);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<HeapLensException>(() => HeapSnapFile.Read(path));
        return (error, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void The_crafting_helper_round_trips_a_real_snapshot()
    {
        string path = _directory.File("joined.heapsnap");
        File.WriteAllBytes(path, SnapshotSections.Join(SnapshotSections.Split(SnapshotSections.SmallFile())));
        var snapshot = HeapSnapFile.Read(path);
        Assert.Equal(6, snapshot.NodeCount);
        Assert.Equal(["App.Cache", "App.Node", "System.Byte[]"], snapshot.TypeNames);
    }

    [Fact]
    public void A_huge_size_for_an_object_outside_the_graph_is_refused()
    {
        var huge = new byte[12];
        BitConverter.TryWriteBytes(huge.AsSpan(0), 1_000_000);
        BitConverter.TryWriteBytes(huge.AsSpan(4), 5L << 30);
        var (error, _) = ReadFails(SnapshotSections.WithSection("HUGE", huge));
        Assert.Contains("outside the graph", error.Message);
    }

    [Theory]
    [InlineData(-909L << 40)]        // printed "Total: -909 TB"
    [InlineData(100L)]               // a huge entry must be 4 GB or more
    [InlineData(long.MaxValue)]      // would overflow every total
    public void An_impossible_huge_size_is_refused(long size)
    {
        var snapshot = SnapshotSections.Small(hugeSizes: new() { [2] = 5L << 30 });
        var huge = new byte[12];
        BitConverter.TryWriteBytes(huge.AsSpan(0), 2);
        BitConverter.TryWriteBytes(huge.AsSpan(4), size);
        var sections = SnapshotSections.Split(SnapshotSections.SmallFile(snapshot))
            .Select(s => s.Tag == "HUGE" ? new CraftedSection("HUGE", huge) : s);
        var (error, _) = ReadFails(SnapshotSections.Join(sections));
        Assert.Contains("impossible huge size", error.Message);
    }

    [Fact]
    public void A_real_huge_object_reads_back()
    {
        string path = _directory.File("huge.heapsnap");
        HeapSnapFile.Write(SnapshotSections.Small(hugeSizes: new() { [2] = 5L << 30 }), path);
        var snapshot = HeapSnapFile.Read(path);
        Assert.Equal(5L << 30, snapshot.SizeOf(2));
        Assert.Equal(24 + 32 + 48 + 56 + 64 + (5L << 30), snapshot.TotalBytes);
    }

    [Fact]
    public void A_huge_object_of_exactly_4_GB_reads_back()
    {
        // uint.MaxValue in SIZE marks a huge object; 4,294,967,295 itself is the smallest size HUGE holds.
        string path = _directory.File("4gb.heapsnap");
        HeapSnapFile.Write(SnapshotSections.Small(hugeSizes: new() { [2] = uint.MaxValue }), path);
        var snapshot = HeapSnapFile.Read(path);
        Assert.Equal(4_294_967_295L, snapshot.SizeOf(2));
        Assert.Equal(24 + 32 + 48 + 56 + 64 + 4_294_967_295L, snapshot.TotalBytes);
    }

    [Fact]
    public void Objects_adding_up_to_exactly_the_most_an_address_space_holds_read_back()
    {
        long most = HeapSnapshot.MaxHeapBytes;
        string path = _directory.File("most.heapsnap");
        HeapSnapFile.Write(SnapshotSections.Small(hugeSizes: new() { [1] = most - (24 + 40 + 48 + 56 + 64) }), path);
        Assert.Equal(most, HeapSnapFile.Read(path).TotalBytes);
    }

    [Fact]
    public void A_file_without_the_optional_huge_sizes_reads()
    {
        string path = _directory.File("nohuge.heapsnap");
        File.WriteAllBytes(path, SnapshotSections.Join(SnapshotSections.Split(SnapshotSections.SmallFile()).Where(s => s.Tag != "HUGE")));
        var snapshot = HeapSnapFile.Read(path);
        Assert.Equal(24 + 32 + 40 + 48 + 56 + 64, snapshot.TotalBytes);
    }

    [Fact]
    public void A_string_count_of_int_max_is_refused_before_allocating()
    {
        var (error, allocated) = ReadFails(SnapshotSections.WithSection("TYPE", SnapshotSections.Strings(0x7FFFFFFF, "A")));
        Assert.Contains("string count", error.Message);
        Assert.True(allocated < 16 << 20, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void A_root_name_count_beyond_its_bytes_is_refused()
    {
        var roots = new MemoryStream();
        using (var writer = new BinaryWriter(roots))
        {
            writer.Write(0);          // no roots
            writer.Write(0x7FFFFFF0); // names
        }
        var (error, allocated) = ReadFails(SnapshotSections.WithSection("ROOT", roots.ToArray()));
        Assert.Contains("string count", error.Message);
        Assert.True(allocated < 16 << 20, $"allocated {allocated:N0} bytes");
    }

    [Theory]
    [InlineData("ADDR", 8)]
    [InlineData("SIZE", 4)]
    [InlineData("TIDX", 4)]
    [InlineData("ECNT", 4)]
    [InlineData("EDGE", 4)]
    [InlineData("TYPE", 1)]
    public void A_section_claiming_array_max_length_values_is_refused_without_allocating(string tag, int valueSize)
    {
        var sections = SnapshotSections.Split(SnapshotSections.SmallFile());
        var (error, allocated) = ReadFails(SnapshotSections.Join(sections.Select(s =>
            s.Tag == tag ? s with { ClaimedRawLength = (long)Array.MaxLength * valueSize } : s)));
        Assert.Contains("corrupt", error.Message);
        Assert.True(allocated < 16 << 20, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void A_section_whose_data_stops_short_of_its_claim_allocates_what_arrived()
    {
        // 1 MB of incompressible addresses that claim to be 64M objects (512 MB): DEFLATE could
        // expand 1 MB that far, but the data is not there, and memory must follow the data. Version 2:
        // random bytes below 128, each a well-formed one-byte difference; version 1: any random bytes.
        var random = new byte[1 << 20];
        new Random(7).NextBytes(random);
        var (v1, allocatedV1) = ReadFails(SnapshotSections.WithSection("ADDR", random, claimedRawLength: 64L << 23, version: 1));
        Assert.Contains("ends early", v1.Message);
        Assert.True(allocatedV1 < 96 << 20, $"allocated {allocatedV1:N0} bytes for 1 MB of data");
        for (int i = 0; i < random.Length; i++)
            random[i] &= 0x7F;
        var (v2, allocatedV2) = ReadFails(SnapshotSections.WithSection("ADDR", random, claimedRawLength: 64L << 23));
        Assert.EndsWith(" is corrupt: section 'ADDR' ends early", v2.Message);
        Assert.True(allocatedV2 < 16 << 20, $"allocated {allocatedV2:N0} bytes for 1 MB of data");
    }

    [Fact]
    public void More_objects_than_the_format_holds_are_refused_with_the_limit_in_version_1()
    {
        // The stored bytes could expand to the claim (17 MB x 1032 > 17 GB), so only the object
        // limit stands in the way; it is checked before a byte is decompressed.
        long claimed = ((long)HeapSnapshot.MaxObjects + 1) * sizeof(ulong);
        var junk = new byte[(int)(claimed / SectionReader.MaxDeflateRatio) + 1];
        byte[] file = SnapshotSections.WithSection("ADDR", [], claimedRawLength: claimed, version: 1);
        // Replace the empty ADDR payload by junk of the needed stored length (its checksum is never reached).
        file = ReplaceStoredPayload(file, "ADDR", junk);
        var (error, allocated) = ReadFails(file);
        Assert.EndsWith($" holds {HeapSnapshot.MaxObjects + 1L:N0} objects; HeapLens reads at most {HeapSnapshot.MaxObjects:N0}", error.Message);
        Assert.True(allocated < 64 << 20, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Exactly_the_most_objects_the_format_holds_pass_the_limit_in_version_1()
    {
        // The limit lets the claim through; the junk standing for its stored bytes is then refused as DEFLATE.
        long claimed = (long)HeapSnapshot.MaxObjects * sizeof(ulong);
        var junk = new byte[(int)(claimed / SectionReader.MaxDeflateRatio) + 1]; // zeros: a stored block whose length check fails
        byte[] file = ReplaceStoredPayload(SnapshotSections.WithSection("ADDR", [], claimedRawLength: claimed, version: 1), "ADDR", junk);
        var (error, allocated) = ReadFails(file);
        Assert.EndsWith(" is corrupt: section 'ADDR' does not decompress", error.Message);
        Assert.True(allocated < 64 << 20, $"allocated {allocated:N0} bytes");
    }

    /// <summary>
    /// Version 2: the packed addresses are one byte array, so ADDR holds at most Array.MaxLength bytes, checked
    /// before a byte is decompressed (the object limit is counted as the differences arrive: PackedAddressSectionTests).
    /// </summary>
    [Theory]
    [InlineData(0, " is corrupt: section 'ADDR' does not decompress")] // passes the limit; the junk is then refused
    [InlineData(1, " holds 2,147,483,592 bytes of packed addresses; HeapLens reads at most 2,147,483,591")]
    public void Packed_addresses_of_more_bytes_than_an_array_holds_are_refused_with_the_limit(int beyond, string reason)
    {
        long claimed = (long)Array.MaxLength + beyond;
        var junk = new byte[(int)(claimed / SectionReader.MaxDeflateRatio) + 1];
        byte[] file = ReplaceStoredPayload(SnapshotSections.WithSection("ADDR", [], claimedRawLength: claimed), "ADDR", junk);
        var (error, allocated) = ReadFails(file);
        Assert.EndsWith(reason, error.Message);
        Assert.True(allocated < 64 << 20, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void A_section_claiming_more_than_deflate_can_expand_is_refused()
    {
        var (error, _) = ReadFails(SnapshotSections.WithSection("SIZE", new byte[24], claimedRawLength: 1L << 40));
        Assert.Contains("more than DEFLATE can expand to", error.Message);
    }

    [Fact]
    public void A_per_object_section_disagreeing_with_the_addresses_is_refused()
    {
        var (error, _) = ReadFails(SnapshotSections.WithSection("SIZE", new byte[4 * 7]));
        Assert.Contains("disagrees with the addresses", error.Message);
    }

    [Fact]
    public void A_stored_length_beyond_the_end_of_the_file_is_truncation()
    {
        byte[] file = SnapshotSections.SmallFile();
        int at = 16 + 16; // the first section's stored length
        BitConverter.TryWriteBytes(file.AsSpan(at), 1L << 40);
        var (error, _) = ReadFails(file);
        Assert.Contains("truncated", error.Message);
    }

    /// <summary>
    /// Item 6 of issue 10: 268,435,456 (2^28) objects made 2 GB of addresses, which the reader
    /// could not view as one span of bytes (OverflowException); the writer wrote them. Both now go
    /// in chunks. Exercised at the real size on the section level (2 GB, a few seconds).
    /// </summary>
    [Fact]
    public void Two_gigabytes_of_one_section_write_and_read_back()
    {
        const int count = 1 << 28;
        string path = _directory.File("big.section");
        using (var file = new FileStream(path, FileMode.Create))
        {
            var values = GC.AllocateUninitializedArray<ulong>(count);
            values.AsSpan().Fill(3);
            values[^1] = 7;
            using (var section = new SectionWriter(file, SectionTag.Addresses))
            {
                section.Write<ulong>(values);
                section.Finish();
            }
        }
        GC.Collect();
        using (var file = new FileStream(path, FileMode.Open))
        {
            var reader = new SectionReader(file, path);
            var header = reader.Next();
            Assert.Equal((long)count * sizeof(ulong), header.RawLength);
            var read = reader.ReadArray<ulong>(count);
            reader.Finish();
            Assert.Equal(count, read.Length);
            Assert.Equal(3UL, read[0]);
            Assert.Equal(3UL, read[count / 2]);
            Assert.Equal(7UL, read[^1]);
        }
    }

    private static byte[] ReplaceStoredPayload(byte[] file, string tag, byte[] stored)
    {
        using var output = new MemoryStream();
        output.Write(file, 0, 16);
        int at = 16;
        while (at < file.Length)
        {
            string current = System.Text.Encoding.ASCII.GetString(file, at, 4);
            long length = BitConverter.ToInt64(file, at + 16);
            var header = file.AsSpan(at, SectionWriter.HeaderSize).ToArray();
            at += SectionWriter.HeaderSize;
            if (current == tag)
            {
                BitConverter.TryWriteBytes(header.AsSpan(16), (long)stored.Length);
                output.Write(header);
                output.Write(stored);
            }
            else
            {
                output.Write(header);
                output.Write(file, at, (int)length);
            }
            at += (int)length;
        }
        return output.ToArray();
    }
}
