using HeapLens.DataStructures;

namespace HeapLens.Formats.HeapSnap;

/// <summary>
/// The compressed bytes of one block of a section, kept until the section is written. A MemoryStream grows by
/// doubling and leaves each outgrown array behind as garbage until a full GC: on a 23.5M-object capture that
/// was ~90 MB above the graph at the capture's peak, for 43 MB of file. This grows in native memory instead
/// (a realloc of mapped pages moves without copying), holds about what was written, and frees it at once.
/// </summary>
internal sealed class BlockBuffer : Stream
{
    private readonly NativeGrowthBuffer<byte> _bytes;

    /// <param name="capacity">The room to start with: the most a block can need when that is known (LZ4), else 64 KB.</param>
    public BlockBuffer(int capacity = 1 << 16) => _bytes = new(capacity);

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        long end = (long)_bytes.Count + buffer.Length;
        if (end > Array.MaxLength)
            throw new IOException("a block larger than 2 GB compressed");
        if (end > _bytes.Capacity)
            _bytes.Grow((int)Math.Min(Array.MaxLength, Math.Max(end, 2L * _bytes.Capacity)));
        buffer.CopyTo(_bytes.Unfilled);
        _bytes.Commit(buffer.Length);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <summary>What was written, in place (valid until the next write or the disposal).</summary>
    public ReadOnlySpan<byte> Written => _bytes.Filled;

    /// <summary>Forgets what was written past <paramref name="length"/> (at most what was written).</summary>
    public void Truncate(int length) => _bytes.Truncate(length);

    public override long Length => _bytes.Count;

    public override long Position
    {
        get => _bytes.Count;
        set => throw new NotSupportedException();
    }

    protected override void Dispose(bool disposing)
    {
        _bytes.Dispose();
        base.Dispose(disposing);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
