using System.Diagnostics;

namespace HeapLens.Monitoring;

/// <summary>Tells whether a watched process has ended, a killed one that its parent has not reaped yet included.</summary>
internal static class TargetLiveness
{
    public static bool HasEnded(int processId)
    {
        if (OperatingSystem.IsLinux())
        {
            // A zombie (state Z, or X while being reaped) still has a /proc entry and answers kill(0).
            try
            {
                string stat = File.ReadAllText($"/proc/{processId}/stat");
                int afterName = stat.LastIndexOf(')');
                return afterName < 0 || afterName + 2 >= stat.Length || stat[afterName + 2] is 'Z' or 'X';
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return e is FileNotFoundException or DirectoryNotFoundException;
            }
        }
        try
        {
            using var process = Process.GetProcessById(processId);
            return process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return true;
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the process to end (it may close its streams a moment before).</summary>
    public static async Task<bool> WaitForEndAsync(int processId, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!HasEnded(processId))
        {
            if (clock.Elapsed >= timeout)
                return false;
            await Task.Delay(50).ConfigureAwait(false);
        }
        return true;
    }
}
