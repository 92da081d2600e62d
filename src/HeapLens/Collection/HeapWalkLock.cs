namespace HeapLens.Collection;

/// <summary>
/// One heap walk per target at a time. Two sessions asking for heap-walk events make the runtime walk
/// twice and send both walks to both sessions; a second heaplens is therefore refused while the first
/// captures, rather than made to wait (a wait would pause the target twice in a row for the same
/// question). The lock is an exclusive advisory lock on a file named after the target's pid and start
/// time (.NET takes flock(LOCK_EX) for FileShare.None on Unix, a share lock on Windows): the kernel
/// releases it when the holder exits, however it exits, so a killed heaplens never leaves it held.
/// Other tools (dotnet-gcdump) do not take it; <see cref="HeapWalkParser"/> keeps their walks out.
/// </summary>
internal sealed class HeapWalkLock : IDisposable
{
    private const string Prefix = "heaplens-heapwalk-";
    private readonly FileStream? _file;

    private HeapWalkLock(FileStream? file) => _file = file;

    /// <exception cref="TargetBusyException">Another heaplens is capturing the heap of this process.</exception>
    public static HeapWalkLock Acquire(int pid, string? directory = null)
    {
        directory ??= Path.GetTempPath();
        string startTime = TargetState.StartTimeOf(pid) ?? throw new HeapLensException($"process {pid} is not running");
        SweepStale(directory);
        string path = Path.Combine(directory, $"{Prefix}{pid}-{startTime}.lock");
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.OpenOrCreate,
                Access = FileAccess.ReadWrite,
                Share = FileShare.None,
            };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = (UnixFileMode)0b110_110_110; // any user may capture the same process
            return new HeapWalkLock(new FileStream(path, options));
        }
        catch (IOException e) when (File.Exists(path))
        {
            throw new TargetBusyException(
                $"another heaplens is taking a heap snapshot of process {pid}; only one can run at a time, try again when it has finished", e);
        }
        catch (UnauthorizedAccessException)
        {
            // A lock file another user made unwritable: go on without it; the walk is still checked
            // against our own session.
            return new HeapWalkLock(null);
        }
    }

    /// <summary>Lock files of processes that have exited (or whose pid now names another process) are no longer needed.</summary>
    private static void SweepStale(string directory)
    {
        try
        {
            foreach (string file in Directory.EnumerateFiles(directory, Prefix + "*.lock"))
            {
                string[] parts = Path.GetFileNameWithoutExtension(file)[Prefix.Length..].Split('-');
                if (parts.Length == 2 && int.TryParse(parts[0], out int pid) && TargetState.StartTimeOf(pid) != parts[1])
                    File.Delete(file);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    public void Dispose() => _file?.Dispose();
}
