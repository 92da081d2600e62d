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
