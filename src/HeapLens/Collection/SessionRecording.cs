namespace HeapLens.Collection;

/// <summary>
/// Copies an EventPipe session's raw byte stream to a file as fast as it arrives, so that the runtime's
/// buffers drain at disk speed whatever the consumer does; a parser reads the same file behind it
/// through <see cref="OpenFollower"/>. This is what keeps a large heap walk from losing events: a
/// slow parser reading straight from the session would let the runtime's buffers fill up and drop.
/// The file has no name while it is used (unlinked right after it is opened, on Unix; delete-on-close
/// on Windows), so however heaplens ends, even killed, the kernel frees it: a raw stream of hundreds
/// of MB never outlives the capture.
/// </summary>
internal sealed class SessionRecording : IAsyncDisposable
{
    private const int CopyBufferSize = 1 << 20;

    private readonly Stream _source;
    private readonly FileStream _file;
    private readonly FileStream _reader;
    private readonly string _path;
    // A second handle from the start of the file, opened while the file still has a name: for the
    // reader that takes over (TraceEvent) when the fast reader does not know the stream.
    private readonly FileStream _fallbackReader;
    private readonly Task _copy;
    private readonly Lock _closing = new();
    private Task? _closed;
    private readonly SemaphoreSlim _dataArrived = new(0);
    private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _bytesWritten;
    private volatile bool _finished;
    private volatile bool _followersStopped;
    private int _followersOpened;

    /// <param name="keepPath">Where to keep the raw stream after the capture (a debug option); null: nowhere.</param>
    public SessionRecording(Stream source, string directory, string name, string? keepPath = null)
    {
        _source = source;
        string path = keepPath ?? System.IO.Path.Combine(directory, name);
        _path = path;
        if (keepPath is not null)
            File.Delete(keepPath); // a retry keeps its own stream, not the first attempt's
        // Unbuffered: every chunk goes straight to the OS so that the follower sees it at once.
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 0,
            OperatingSystem.IsWindows() && keepPath is null ? FileOptions.DeleteOnClose : FileOptions.None);
        try
        {
            _reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            _fallbackReader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1 << 16);
            if (!OperatingSystem.IsWindows() && keepPath is null)
                File.Delete(path);
        }
        catch
        {
            _reader?.Dispose();
            _file.Dispose();
            File.Delete(path);
            throw;
        }
        _copy = Task.Run(CopyAsync);
    }

    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>Set when writing failed (e.g. disk full); the follower then ends and the capture fails with it.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Completes at the first write error, so that the capture can stop the session at once.</summary>
    public Task Failed => _failed.Task;

    /// <summary>Completes when the session stream has ended (the session stopped or the target died).</summary>
    public Task Completion => _copy;

    private async Task CopyAsync()
    {
        var buffer = new byte[CopyBufferSize];
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await _source.ReadAsync(buffer).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException)
                {
                    break; // a broken session stream (the target died) ends like a closed one
                }
                if (read == 0)
                    break;
                if (Failure is not null)
                    continue; // keep draining until the session stops: a full runtime buffer would grow the target
                try
                {
                    await _file.WriteAsync(buffer.AsMemory(0, read)).ConfigureAwait(false);
                }
                catch (IOException e)
                {
                    // e.g. the disk is full: the capture must fail, not be truncated, and fail now.
                    Failure = e;
                    _failed.TrySetResult();
                    _finished = true;
                    _dataArrived.Release();
                    continue;
                }
                Interlocked.Add(ref _bytesWritten, read);
                _dataArrived.Release();
            }
        }
        finally
        {
            _finished = true;
            _dataArrived.Release();
        }
    }

    /// <summary>
    /// A read-only stream over the recording from its start that waits for more data until the recording
    /// ends: two per recording (the reader, and a fallback reader that starts over).
    /// </summary>
    public Stream OpenFollower() => ++_followersOpened switch
    {
        1 => new Follower(this, _reader),
        2 => new Follower(this, _fallbackReader),
        _ => throw new InvalidOperationException("a recording has two followers"),
    };

    /// <summary>
    /// Ends the followers where they are, even inside a block, while the recording goes on: for a reader that has
    /// taken what it needs and would otherwise wait for the runtime's next flush to finish the block it is in.
    /// </summary>
    public void StopFollowers()
    {
        _followersStopped = true;
        _dataArrived.Release();
    }

    /// <summary>
    /// A second reader of the whole recording from its start, for a second pass once the recording has
    /// ended (the file still has no name: it is reached through this process's descriptor, or on
    /// Windows through its delete-on-close name). Valid until this recording is disposed.
    /// </summary>
    public Stream OpenReplay()
    {
        if (!_finished)
            throw new InvalidOperationException("the recording has not ended");
        string path = OperatingSystem.IsWindows() ? _path : $"/proc/self/fd/{_file.SafeFileHandle.DangerousGetHandle()}";
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1 << 16);
    }

    /// <summary>
    /// Closes the recording on the thread pool once the session's stream has ended, and returns at once: for when the
    /// stream has been read and the capture goes on. Closing the last descriptor of the unnamed file is when the
    /// kernel frees its pages, tens of milliseconds for a 1 GB walk (measured: 63-83 ms on 23.5M objects), which
    /// this way overlap the graph's build. Disposing waits for the same close.
    /// </summary>
    public Task CloseInBackground()
    {
        lock (_closing)
            return _closed ??= Task.Run(CloseAsync);
    }

    public ValueTask DisposeAsync() => new(CloseInBackground());

    private async Task CloseAsync()
    {
        try
        {
            await _copy.ConfigureAwait(false);
        }
        finally
        {
            await _file.DisposeAsync().ConfigureAwait(false);
            await _reader.DisposeAsync().ConfigureAwait(false);
            await _fallbackReader.DisposeAsync().ConfigureAwait(false);
            _dataArrived.Dispose();
        }
    }

    private sealed class Follower(SessionRecording recording, FileStream reader) : Stream
    {
        private readonly FileStream _reader = reader;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            while (true)
            {
                // Read what has been written; the finished flag is checked before the read so that
                // bytes written just before the end are never missed.
                bool finished = recording._finished;
                if (recording.Failure is not null || recording._followersStopped)
                    return 0;
                int read = _reader.Read(buffer);
                if (read > 0 || finished)
                    return read;
                recording._dataArrived.Wait(TimeSpan.FromMilliseconds(50));
            }
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _reader.Position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
