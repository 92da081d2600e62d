using HeapLens.DataStructures;

namespace HeapLens.Formats.HeapSnap;

/// <summary>
/// One section compressed ahead of its turn to be written (sections are deflated in parallel, then written
/// in order). A MemoryStream grows by doubling and leaves each outgrown array behind as garbage until a
/// full GC: on a 23.5M-object capture that was ~90 MB above the graph at the capture's peak, for 43 MB of
/// file. This grows in native memory instead (a realloc of mapped pages moves without copying), holds about
/// what was written, and frees it as soon as it has been copied out. Seekable within what was written, for
/// the section header patched at the end.
/// </summary>
internal sealed class SectionBuffer : Stream
{
    private readonly NativeGrowthBuffer<byte> _bytes = new(1 << 16);
    private long _position;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        long end = _position + buffer.Length;
        if (end > Array.MaxLength)
            throw new IOException("a section larger than 2 GB compressed");
        if (end > _bytes.Capacity)
            _bytes.Grow((int)Math.Min(Array.MaxLength, Math.Max(end, 2L * _bytes.Capacity)));
        int overwritten = (int)Math.Min(buffer.Length, _bytes.Count - _position);
        buffer[..overwritten].CopyTo(_bytes.Filled[(int)_position..]);
        buffer[overwritten..].CopyTo(_bytes.Unfilled);
        _bytes.Commit(buffer.Length - overwritten);
        _position = end;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <summary>Writes what was written to <paramref name="destination"/> and frees it.</summary>
    public void MoveTo(Stream destination)
    {
        destination.Write(_bytes.Filled);
        _bytes.Dispose();
    }

    public override long Length => _bytes.Count;

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 && value <= _bytes.Count ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => _bytes.Count + offset,
    };

    protected override void Dispose(bool disposing)
    {
        _bytes.Dispose();
        base.Dispose(disposing);
    }

    public override bool CanRead => false;
    public override bool CanSeek => true;
    public override bool CanWrite => true;
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
