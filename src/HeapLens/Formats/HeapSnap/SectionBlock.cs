using System.Buffers;
using System.IO.Compression;

namespace HeapLens.Formats.HeapSnap;

/// <summary>
/// A block of a section's raw bytes, compressed on its own by the section's codec. The bytes depend only on
/// the raw bytes, the codec and the block size, never on which thread compressed what when.
/// <list type="bullet">
/// <item><see cref="SectionCodec.Lz4Blocks"/>: one LZ4 block behind its lengths (<see cref="Lz4Blocks"/>); an
/// empty block (an empty section's only one) is no bytes at all.</item>
/// <item><see cref="SectionCodec.Deflate"/>: part of the section's single DEFLATE stream (RFC 1951): a block
/// that is not the section's last ends with a sync flush (its data, then an empty stored block, which ends on a
/// byte boundary and is not final), so the blocks' outputs, one after the other, are one stream that any
/// inflater reads in one go. Each block starts with an empty window, so back-references never cross blocks;
/// that costs a little compression, nothing else.</item>
/// </list>
/// </summary>
internal sealed class SectionBlock : IDisposable
{
    private byte[]? _raw;
    private readonly int _length;
    private readonly bool _last;
    private readonly SectionCodec _codec;
    private BlockBuffer? _output;
    private Exception? _failure;
    private readonly ManualResetEventSlim _done = new();

    /// <param name="raw">Rented from <see cref="ArrayPool{T}.Shared"/>; the block returns it once compressed.</param>
    public SectionBlock(byte[] raw, int length, bool last, SectionCodec codec = SectionCodec.Lz4Blocks)
    {
        _raw = raw;
        _length = length;
        _last = last;
        _codec = codec;
    }

    /// <summary>Compresses the block (on whichever thread calls it); a failure is kept for <see cref="Output"/>.</summary>
    public void Compress()
    {
        try
        {
            if (_codec == SectionCodec.Lz4Blocks)
                CompressLz4();
            else
                Deflate();
        }
        catch (Exception e)
        {
            _failure = e;
        }
        finally
        {
            ReturnRaw();
            _done.Set();
        }
    }

    private void CompressLz4()
    {
        if (_length == 0)
        {
            _output = new BlockBuffer(0); // an empty section has no blocks
            return;
        }
        // Compressed into a scratch array of LZ4's bound, then kept at its exact length: a section's blocks wait
        // for their turn, and each would otherwise hold its bound (the raw size and more) for a third of it.
        byte[] scratch = ArrayPool<byte>.Shared.Rent(Lz4Blocks.HeaderSize + Lz4Blocks.MaxStoredBytes(_length));
        try
        {
            int length = Lz4Blocks.Encode(_raw.AsSpan(0, _length), scratch);
            _output = new BlockBuffer(length);
            _output.Write(scratch.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private void Deflate()
    {
        var output = new BlockBuffer();
        _output = output;
        int flushed = 0;
        using (var deflate = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(_raw.AsSpan(0, _length));
            if (!_last)
            {
                deflate.Flush(); // a sync flush: all of the block, then the empty stored block
                flushed = output.Written.Length;
            }
        }
        if (!_last)
            output.Truncate(flushed); // what disposing added: the final block, which belongs to the last block only
    }

    /// <summary>The compressed bytes, once they are there; rethrows the failure that stopped them.</summary>
    public ReadOnlySpan<byte> Output()
    {
        _done.Wait();
        if (_failure is not null)
            throw new IOException($"could not compress a section: {_failure.Message}", _failure);
        return _output!.Written;
    }

    private void ReturnRaw()
    {
        if (_raw is { } raw)
        {
            _raw = null;
            ArrayPool<byte>.Shared.Return(raw);
        }
    }

    /// <summary>Frees a block no thread was given (its hand-over failed).</summary>
    public void Abandon()
    {
        ReturnRaw();
        _done.Dispose();
    }

    /// <summary>Frees the block, once compressed: waits for a thread still working on it.</summary>
    public void Dispose()
    {
        _done.Wait();
        ReturnRaw();
        _output?.Dispose();
        _done.Dispose();
    }
}
