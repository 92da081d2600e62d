namespace HeapLens.Formats;

/// <summary>
/// What every forward-only wrapper that checks a stream as it is read (<see cref="BoundedReadStream"/>,
/// <see cref="Pprof.GzipTrailerCheck"/>) answers the same way: it reads, never seeks or writes, and knows only
/// how much has passed through it.
/// </summary>
internal abstract class ReadOnlyStream : Stream
{
    public abstract override int Read(Span<byte> buffer);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <summary>The bytes read so far.</summary>
    protected abstract long BytesRead { get; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
