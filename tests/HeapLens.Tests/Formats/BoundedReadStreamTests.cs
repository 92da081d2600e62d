using HeapLens.Formats;
using Xunit;

namespace HeapLens.Tests.Formats;

/// <summary>The stream that stops decompression of a hostile file: exactly the limit passes, one byte more fails with the caller's exception.</summary>
public sealed class BoundedReadStreamTests
{
    private static BoundedReadStream Over(int bytes, long limit) =>
        new(new MemoryStream(Enumerable.Range(0, bytes).Select(i => (byte)i).ToArray()), limit, () => new HeapLensException("too long"));

    [Fact]
    public void Exactly_the_limit_reads_through_and_counts_its_position()
    {
        var stream = Over(10, limit: 10);
        var buffer = new byte[4];
        Assert.Equal(4, stream.Read(buffer, 0, 4));
        Assert.Equal(4, stream.Position);
        var rest = new byte[16];
        Assert.Equal(6, stream.Read(rest));
        Assert.Equal([4, 5, 6, 7, 8, 9], rest[..6]);
        Assert.Equal(0, stream.Read(rest));
        Assert.Equal(10, stream.Position);
    }

    [Fact]
    public void One_byte_past_the_limit_throws_the_caller_s_exception()
    {
        var stream = Over(11, limit: 10);
        stream.ReadExactly(new byte[10]);
        Assert.Equal("too long", Assert.Throws<HeapLensException>(() => stream.Read(new byte[1])).Message);
    }

    [Fact]
    public void It_reads_forward_only_and_never_writes()
    {
        var stream = Over(1, limit: 1);
        Assert.Equal((true, false, false), (stream.CanRead, stream.CanSeek, stream.CanWrite));
    }
}
