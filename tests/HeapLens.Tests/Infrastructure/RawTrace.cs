using System.Diagnostics;

namespace HeapLens.Tests.Infrastructure;

/// <summary>
/// What a running heaplens has streamed: its raw .nettrace has no name in any directory (it is unlinked
/// while used), so it is found among the process's open files in /proc.
/// </summary>
internal static class RawTrace
{
    /// <summary>
    /// Waits until heaplens <paramref name="pid"/> holds a .nettrace of at least <paramref name="minimumBytes"/>:
    /// open (0) or with the session's first events in it (1).
    /// </summary>
    public static void WaitFor(int pid, long minimumBytes, TimeSpan timeout, Func<bool>? exited = null)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (exited?.Invoke() == true)
                throw new InvalidOperationException("heaplens exited before its event stream started");
            if (Bytes(pid) >= minimumBytes)
                return;
            Thread.Sleep(20);
        }
        throw new TimeoutException($"heaplens {pid} never streamed {minimumBytes} bytes of events");
    }

    /// <summary>The size of the .nettrace heaplens holds open, or -1 when it holds none.</summary>
    private static long Bytes(int pid)
    {
        try
        {
            foreach (string fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
            {
                string? target = new FileInfo(fd).LinkTarget;
                if (target is null || !target.Contains(".nettrace", StringComparison.Ordinal))
                    continue;
                using var handle = File.OpenHandle(fd, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                return RandomAccess.GetLength(handle);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process ended or closed the file between the listing and the open.
        }
        return -1;
    }
}
