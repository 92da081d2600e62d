namespace HeapLens.Formats;

/// <summary>
/// Passes reads through until <paramref name="limit"/> bytes have come, then fails with the
/// caller's exception: decompression of a hostile file stops at what the format can need.
/// </summary>
internal sealed class BoundedReadStream(Stream inner, long limit, Func<Exception> tooLong) : Stream
{
    private long _read;

    public override int Read(Span<byte> buffer)
    {
        int read = inner.Read(buffer);
        _read += read;
        if (_read > limit)
            throw tooLong();
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
