namespace HeapLens.Collection;

public enum TargetStatus
{
    Running,
    /// <summary>Stopped by a signal (SIGSTOP, Ctrl+Z) or a debugger: it answers nothing until continued.</summary>
    Stopped,
    /// <summary>Gone, or a zombie its parent has not reaped yet: either way it will never answer.</summary>
    Exited,
}

/// <summary>
/// What a target process is doing, from the kernel's point of view (/proc/PID/stat on Linux): a
/// zombie still has a pid and passes "is it running?" checks, and a stopped process accepts a
/// connection on its diagnostics socket but never answers.
/// </summary>
public static class TargetState
{
    public static TargetStatus Of(int pid) => Identify(pid).Status;

    /// <summary>
    /// The state and the start time (as <see cref="StartTimeOf"/>) from one read of /proc/PID/stat; the start
    /// time is null where there is no /proc or when the process is gone.
    /// </summary>
    internal static (TargetStatus Status, string? StartTime) Identify(int pid)
    {
        if (pid <= 0)
            return (TargetStatus.Exited, null);
        if (StatFields(pid) is not { } fields)
            return (OperatingSystem.IsLinux() || !ProcessLocator.IsRunning(pid) ? TargetStatus.Exited : TargetStatus.Running, null);
        var status = fields[0] switch
        {
            "Z" or "X" or "x" => TargetStatus.Exited,
            "T" or "t" => TargetStatus.Stopped,
            _ => TargetStatus.Running,
        };
        return (status, fields.Length > 19 ? fields[19] : null);
    }

    /// <summary>
    /// Whether the process is gone, or goes within <paramref name="grace"/>: a killed process closes its
    /// diagnostics connection while it is still exiting, before the kernel shows it as gone, so a stream
    /// that just ended may come from a process that looks alive for a moment longer.
    /// </summary>
    public static async Task<bool> ExitsWithinAsync(int pid, TimeSpan grace)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (Of(pid) != TargetStatus.Exited)
        {
            if (clock.Elapsed >= grace)
                return false;
            await Task.Delay(20).ConfigureAwait(false);
        }
        return true;
    }

    /// <summary>
    /// When the process started, in the kernel's clock ticks since boot (Linux) or as .NET reports it:
    /// with the pid, it names one process even after the pid is reused. Null when the process is gone.
    /// </summary>
    public static string? StartTimeOf(int pid)
    {
        if (StatFields(pid) is { } fields)
            return fields.Length > 19 ? fields[19] : null;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.StartTime.ToUniversalTime().Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>The fields of /proc/PID/stat after the command name (which may hold spaces and parentheses): state first.</summary>
    private static string[]? StatFields(int pid)
    {
        if (!OperatingSystem.IsLinux() || pid <= 0)
            return null;
        string directory = $"/proc/{pid}";
        if (!Directory.Exists(directory))
            return null; // gone: cheaper than the exception of opening its stat (a scan meets hundreds of dead pids)
        try
        {
            string stat = File.ReadAllText(directory + "/stat");
            int end = stat.LastIndexOf(')');
            return end < 0 ? null : stat[(end + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
