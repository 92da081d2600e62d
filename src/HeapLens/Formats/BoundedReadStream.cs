namespace HeapLens.Formats;

/// <summary>
/// Passes reads through until <paramref name="limit"/> bytes have come, then fails with the
/// caller's exception: decompression of a hostile file stops at what the format can need.
/// </summary>
internal sealed class BoundedReadStream(Stream inner, long limit, Func<Exception> tooLong) : ReadOnlyStream
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

    protected override long BytesRead => _read;
}
