using System.Collections.Concurrent;

namespace HeapLens.AspNetCore;

/// <summary>
/// One capture of each kind per process at a time: a second request while one runs gets 429 instead of
/// doubling the target's cost (two heap walks pause it twice; two recordings sample twice).
/// </summary>
public sealed class CaptureGate
{
    private readonly ConcurrentDictionary<(int Pid, string Kind), byte> _running = new();

    /// <exception cref="HttpProblem">429 while a capture of this kind runs on this process.</exception>
    public IDisposable Enter(int pid, string kind)
    {
        if (!_running.TryAdd((pid, kind), 0))
            throw new HttpProblem(429, $"a {kind} capture of process {pid} is already running; try again when it has finished");
        return new Release(_running, (pid, kind));
    }

    private sealed class Release(ConcurrentDictionary<(int Pid, string Kind), byte> running, (int, string) key) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
                running.TryRemove(key, out _);
        }
    }
}
