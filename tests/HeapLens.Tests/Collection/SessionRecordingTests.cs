using System.IO.Pipes;
using HeapLens.Collection;
using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Collection;

/// <summary>
/// The recording of a session's stream, fed here through a pipe: its follower can be ended where it is while the
/// recording goes on, and its file closed once, in the background, when the stream has ended.
/// </summary>
public sealed class SessionRecordingTests : IDisposable
{
    // Only a deadline, for a test that would otherwise hang: nothing is asserted about how long anything took.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _directory = new();
    private readonly AnonymousPipeServerStream _source = new(PipeDirection.In);
    private readonly AnonymousPipeClientStream _session;

    public SessionRecordingTests() => _session = new AnonymousPipeClientStream(PipeDirection.Out, _source.ClientSafePipeHandle);

    public void Dispose()
    {
        _session.Dispose();
        _source.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task A_stopped_follower_ends_where_it_is_while_the_recording_goes_on()
    {
        await using var recording = new SessionRecording(_source, _directory.Path, "stream.nettrace");
        using var follower = recording.OpenFollower();
        _session.Write(new byte[1000]);
        var first = new byte[1000];
        await Task.Run(() => follower.ReadExactly(first)).WaitAsync(Deadline);

        var waiting = Task.Run(() => follower.Read(new byte[100])); // nothing more has come: it waits
        recording.StopFollowers();

        Assert.Equal(0, await waiting.WaitAsync(Deadline));
        _session.Write(new byte[500]);
        _session.Dispose();
        await recording.Completion.WaitAsync(Deadline);
        Assert.Equal(1500, recording.BytesWritten);
        Assert.Equal(0, follower.Read(new byte[100]));
    }

    [Fact]
    public async Task A_follower_not_stopped_reads_what_comes_until_the_stream_ends()
    {
        await using var recording = new SessionRecording(_source, _directory.Path, "stream.nettrace");
        using var follower = recording.OpenFollower();

        var waiting = Task.Run(() => follower.Read(new byte[100]));
        _session.Write([1, 2, 3]);

        Assert.Equal(3, await waiting.WaitAsync(Deadline));
        _session.Dispose();
        Assert.Equal(0, await Task.Run(() => follower.Read(new byte[100])).WaitAsync(Deadline));
    }

    [Fact]
    public async Task The_file_is_closed_once_and_only_after_the_stream_has_ended()
    {
        var recording = new SessionRecording(_source, _directory.Path, "stream.nettrace");
        _session.Write(new byte[10]);

        var closing = recording.CloseInBackground();

        Assert.Same(closing, recording.CloseInBackground());
        Assert.False(closing.IsCompleted, "the file was closed while the session still streamed");
        _session.Dispose();
        await closing.WaitAsync(Deadline);
        await recording.DisposeAsync(); // the same close, already done
        Assert.Equal(10, recording.BytesWritten);
        Assert.Empty(Directory.GetFiles(_directory.Path, "*", SearchOption.AllDirectories));
    }
}
