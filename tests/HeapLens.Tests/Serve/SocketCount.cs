using System.Diagnostics;

namespace HeapLens.Tests.Serve;

/// <summary>
/// The sockets a process holds open: its diagnostics server keeps one connection per EventPipe session,
/// so the count tells whether a session was left open in the target.
/// </summary>
internal static class SocketCount
{
    public static int Of(int pid) =>
        Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd")
            .Count(fd => new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true);

    /// <summary>
    /// The count once one more connection than <paramref name="before"/> is open (an agent's own GC session),
    /// however long a loaded machine takes to open it.
    /// </summary>
    public static int OnceOneMoreThan(int pid, int before)
    {
        int count = WaitFor(pid, before + 1, TimeSpan.FromSeconds(60));
        if (count != before + 1)
            throw new TimeoutException($"no new session showed as a connection in process {pid} ({before} sockets, then {count})");
        return count;
    }

    /// <summary>Waits until the count is <paramref name="expected"/>; returns the last count seen.</summary>
    public static int WaitFor(int pid, int expected, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        int count;
        while ((count = Of(pid)) != expected && clock.Elapsed < timeout)
            Thread.Sleep(100);
        return count;
    }
}
