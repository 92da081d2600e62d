using HeapLens.DataStructures;
using HeapLens.Formats.HeapSnap;
using HeapLens.Snapshots;
using HeapLens.Tests.Analysis;
using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.DataStructures;

public sealed class NativeGrowthBufferTests
{
    [Fact]
    public void Values_written_across_growths_come_back_as_one_exact_array()
    {
        using var buffer = new NativeGrowthBuffer<int>(3);
        int next = 0;
        while (buffer.Count < 1000)
        {
            var room = buffer.Unfilled;
            int written = Math.Min(room.Length, 1000 - buffer.Count);
            for (int i = 0; i < written; i++)
                room[i] = next++;
            buffer.Commit(written);
            buffer.Grow(buffer.Capacity * 2);
        }
        Assert.Equal(Enumerable.Range(0, 1000), buffer.ToArray());
        Assert.Throws<ObjectDisposedException>(() => buffer.Unfilled.Length);
    }

    [Fact]
    public void Committing_more_than_the_room_is_refused()
    {
        using var buffer = new NativeGrowthBuffer<long>(4);
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Commit(5));
    }

    /// <summary>
    /// 200,000 objects of one size and type: their SIZE and TIDX sections (800 KB each) deflate to a
    /// few KB, far beyond the ratio the reader trusts up front (32), so they grow as the data
    /// arrives (16K values at first, then doubling): they must read back exactly.
    /// </summary>
    [Fact]
    public void Sections_that_grow_while_read_come_back_exactly()
    {
        const int nodes = 200_000;
        var snapshot = TestGraph.Build(nodes, Enumerable.Range(1, nodes - 1).Select(i => (i - 1, i)), [TestGraph.Strong(0)]);
        using var directory = new TempDirectory();
        string path = directory.File("uniform.heapsnap");
        HeapSnapFile.Write(snapshot, path);

        var loaded = HeapSnapFile.Read(path);
        Assert.Equal(snapshot.Sizes, loaded.Sizes);
        Assert.Equal(snapshot.TypeIndex, loaded.TypeIndex);
        Assert.Equal(snapshot.EdgeStart, loaded.EdgeStart);
        Assert.Equal(snapshot.EdgeTargets, loaded.EdgeTargets);
        Assert.Equal(snapshot.Addresses, loaded.Addresses);
    }
}
