using System.Text;
using HeapLens.Formats.HeapSnap;
using HeapLens.Snapshots;
using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Hostile;

/// <summary>
/// The optional allocation-sites section (ASIT) of a .heapsnap: it round-trips, files without it
/// still read, and a crafted one whose checksum is right but whose counts or indices lie is refused
/// with one HeapLensException naming the file, before anything is allocated from a claimed count.
/// The payloads are written here byte by byte from the documented layout, not by the writer.
/// </summary>
public sealed class AllocationSitesSectionTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string Write(byte[] file)
    {
        string path = _directory.File(Guid.NewGuid().ToString("N") + ".heapsnap");
        File.WriteAllBytes(path, file);
        return path;
    }

    /// <summary>A small real snapshot (6 objects) with a crafted ASIT section before END!.</summary>
    private static byte[] WithCraftedSites(byte[] payload)
    {
        var sections = SnapshotSections.Split(SnapshotSections.SmallFile());
        sections.Insert(sections.Count - 1, new CraftedSection("ASIT", payload));
        return SnapshotSections.Join(sections);
    }

    /// <summary>The documented layout: window, strings, frames, stacks, objects (node steps and stack ids).</summary>
    private static byte[] Payload(
        double seconds = 10, long period = 102400, long samples = 50, long tracked = 3, long lost = 0,
        string[]? strings = null, int? stringCount = null,
        (int Function, int File, int Line)[]? frames = null, int? frameCount = null,
        int[][]? stacks = null, int? stackCount = null,
        (int Step, int Stack)[]? objects = null, int? objectCount = null, byte[]? trailing = null)
    {
        strings ??= ["App.Store.Add", "/src/Store.cs"];
        frames ??= [(0, 1, 12)];
        stacks ??= [[0]];
        objects ??= [(1, 0), (2, 0), (3, 0)]; // nodes 0, 2, 5
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(seconds);
            w.Write(period);
            w.Write(samples);
            w.Write(tracked);
            w.Write(lost);
            w.Write(stringCount ?? strings.Length);
            foreach (string s in strings)
                w.Write(s);
            w.Write(frameCount ?? frames.Length);
            foreach (var (function, file, line) in frames)
            {
                w.Write(function);
                w.Write(file);
                w.Write(line);
            }
            w.Write(stackCount ?? stacks.Length);
            foreach (int[] stack in stacks)
            {
                w.Write(stack.Length);
                foreach (int frame in stack)
                    w.Write(frame);
            }
            w.Write(objectCount ?? objects.Length);
            foreach (var (step, stack) in objects)
            {
                w.Write(step);
                w.Write(stack);
            }
            if (trailing is not null)
                w.Write(trailing);
        }
        return buffer.ToArray();
    }

    [Fact]
    public void Sites_written_by_the_writer_read_back_the_same()
    {
        var written = SnapshotSections.WithSites(SnapshotSections.Small());
        string path = Write(SnapshotSections.SmallFile(written));
        var sites = HeapSnapFile.Read(path).Allocations!;
        var expected = written.Allocations!;
        Assert.Equal(expected.Nodes, sites.Nodes);
        Assert.Equal(expected.StackOf, sites.StackOf);
        Assert.Equal(expected.StackStart, sites.StackStart);
        Assert.Equal(expected.StackFrames, sites.StackFrames);
        Assert.Equal(expected.FrameFunction, sites.FrameFunction);
        Assert.Equal(expected.FrameFile, sites.FrameFile);
        Assert.Equal(expected.FrameLine, sites.FrameLine);
        Assert.Equal(expected.Strings, sites.Strings);
        Assert.Equal(expected.Window, sites.Window);
    }

    [Fact]
    public void The_hand_written_layout_reads_as_documented()
    {
        var sites = HeapSnapFile.Read(Write(WithCraftedSites(Payload()))).Allocations!;
        Assert.Equal([0, 2, 5], sites.Nodes);
        Assert.Equal(0, sites.StackOfNode(2));
        Assert.Equal(-1, sites.StackOfNode(1));
        Assert.Equal("App.Store.Add", sites.FunctionOf(sites.SiteFrame(0)));
        Assert.Equal("/src/Store.cs", sites.FileOf(0));
        Assert.Equal(12, sites.FrameLine[0]);
        Assert.Equal(10, sites.Window.Seconds);
    }

    [Fact]
    public void A_file_without_the_section_reads_without_sites()
    {
        var snapshot = HeapSnapFile.Read(Write(SnapshotSections.SmallFile()));
        Assert.Null(snapshot.Allocations);
        Assert.DoesNotContain(SnapshotSections.Split(SnapshotSections.SmallFile()), s => s.Tag == "ASIT");
    }

    public static TheoryData<string, byte[]> Lies => new()
    {
        { "a string count of int.MaxValue", Payload(stringCount: int.MaxValue) },
        { "a negative string count", Payload(stringCount: -1) },
        { "a frame count beyond its bytes", Payload(frameCount: 1 << 28) },
        { "a frame naming a string outside the table", Payload(frames: [(7, 1, 12)]) },
        { "a frame naming a file outside the table", Payload(frames: [(0, 2, 12)]) },
        { "a frame with a file index below -1", Payload(frames: [(0, -2, 12)]) },
        { "a negative line", Payload(frames: [(0, 1, -5)]) },
        { "a stack count beyond its bytes", Payload(stackCount: int.MaxValue) },
        { "a stack naming a frame outside the table", Payload(stacks: [[3]]) },
        { "a stack length beyond its bytes", Patch(Payload(), StackLengthOffset(), 1 << 29) },
        { "an object count beyond its bytes", Payload(objectCount: 1 << 28) },
        { "an object outside the graph", Payload(objects: [(1, 0), (9, 0)]) },
        { "objects out of order", Payload(objects: [(3, 0), (0, 0)]) },
        { "a negative node step", Payload(objects: [(3, 0), (-2, 0)]) },
        { "an object naming a stack outside the table", Payload(objects: [(1, 4)]) },
        { "bytes after the objects", Payload(trailing: [1, 2, 3, 4]) },
        { "a window of NaN seconds", Payload(seconds: double.NaN) },
        { "a sampling period of zero", Payload(period: 0) },
        { "negative lost events", Payload(lost: -1) },
        { "a cut-off section", Payload()[..^3] },
    };

    // The stack length follows the window (40 bytes), the strings and the frames of the default payload.
    private static int StackLengthOffset() => 40 + 4 + (1 + "App.Store.Add".Length) + (1 + "/src/Store.cs".Length) + 4 + 12 + 4;

    private static byte[] Patch(byte[] payload, int offset, int value)
    {
        BitConverter.GetBytes(value).CopyTo(payload, offset);
        return payload;
    }

    [Theory]
    [MemberData(nameof(Lies))]
    public void A_lying_section_is_refused_with_one_message(string lie, byte[] payload)
    {
        string path = Write(WithCraftedSites(payload));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<HeapLensException>(() => HeapSnapFile.Read(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains(path, error.Message);
        Assert.Contains("corrupt", error.Message);
        Assert.True(allocated < 8 << 20, $"{lie}: the reader allocated {allocated:N0} bytes");
    }

    public static TheoryData<byte[], string> ExactReasons => new()
    {
        { Payload(period: 0), "allocation sites: an impossible window" },
        { Payload(stacks: [[3]]), "allocation sites: stack 0 names frame 3 of 1" },
        { Payload(trailing: [1, 2, 3, 4]), "allocation sites: 4 bytes after the objects" },
        { Payload()[..20], "the allocation sites do not parse" }, // cut inside the window
        // Bytes left after each count, from the default payload: strings 2 x (1 + 13), frames 4 + 12,
        // stacks 4 + 4 + 4, objects 4 + 3 x 8.
        { Payload(stringCount: 100), "allocation sites: 100 strings in 84 bytes" },
        { Payload(frameCount: 5), "allocation sites: 5 frames in 52 bytes" }, // 52 bytes hold 4 frames of 12
        { Payload(stackCount: 10), "allocation sites: 10 stacks in 36 bytes" },
        { Patch(Payload(), StackLengthOffset(), 9), "allocation sites: 9 frames of a stack in 32 bytes" },
        { Payload(objectCount: 4), "allocation sites: 4 objects in 24 bytes" },
        // Each index one past the end of its table (2 strings, 1 frame, 6 objects, 1 stack).
        { Payload(frames: [(2, 1, 12)]), "allocation sites: frame 0 points outside the string table" },
        { Payload(stacks: [[1]]), "allocation sites: stack 0 names frame 1 of 1" },
        { Payload(objects: [(1, 0), (2, 0), (4, 0)]), "allocation sites: an object outside the graph or out of order" },
        { Payload(objects: [(1, 1)]), "allocation sites: object 0 names stack 1 of 1" },
        // BinaryReader refuses a negative string length with an IOException: 7-bit encoded -1 instead of 13.
        { [.. Payload()[..44], 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, .. Payload()[45..]], "the allocation sites do not parse" },
    };

    [Theory]
    [MemberData(nameof(ExactReasons))]
    public void A_lying_section_is_refused_with_its_exact_reason(byte[] payload, string reason)
    {
        string path = Write(WithCraftedSites(payload));
        Assert.Equal($"{path} is corrupt: {reason}", Assert.Throws<HeapLensException>(() => HeapSnapFile.Read(path)).Message);
    }

    [Fact]
    public void Empty_tables_and_a_window_of_zeros_read_back()
    {
        var sites = HeapSnapFile.Read(Write(WithCraftedSites(Payload(
            seconds: 0, samples: 0, tracked: 0, strings: [], frames: [], stacks: [], objects: [])))).Allocations!;
        Assert.Equal(0, sites.Count);
        Assert.Equal(0, sites.StackCount);
        Assert.Empty(sites.Strings);
        Assert.Empty(sites.FrameFunction);
        Assert.Equal(new AllocationWindow(0, 102400, 0, 0, 0), sites.Window);
    }

    [Fact]
    public void Sites_before_the_addresses_are_refused()
    {
        var sections = SnapshotSections.Split(SnapshotSections.SmallFile());
        sections.Insert(1, new CraftedSection("ASIT", Payload()));
        var error = Assert.Throws<HeapLensException>(() => HeapSnapFile.Read(Write(SnapshotSections.Join(sections))));
        Assert.Contains("comes before the addresses", error.Message);
    }
}
