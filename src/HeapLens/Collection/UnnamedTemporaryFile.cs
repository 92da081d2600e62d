namespace HeapLens.Collection;

/// <summary>
/// A temporary file that has no name in its directory while it is used, so that no way heaplens can
/// end (SIGKILL included) leaves it behind: on Linux it is unlinked right after it is created and
/// reached through /proc/self/fd/N, a path that TraceEvent and the recorders can open like any other
/// while this object keeps the file alive. Elsewhere it is an ordinary hidden file deleted on dispose.
/// </summary>
public sealed class UnnamedTemporaryFile : IDisposable
{
    private readonly FileStream _holder;
    private readonly string? _namedPath;

    public UnnamedTemporaryFile(string directory, string name)
    {
        string path = System.IO.Path.Combine(directory, name);
        _holder = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        if (OperatingSystem.IsLinux())
        {
            File.Delete(path);
            Path = $"/proc/self/fd/{_holder.SafeFileHandle.DangerousGetHandle()}";
        }
        else
        {
            _namedPath = path;
            Path = path;
        }
    }

    /// <summary>A path to open the file by, valid until this object is disposed.</summary>
    public string Path { get; }

    public void Dispose()
    {
        _holder.Dispose();
        if (_namedPath is not null)
        {
            try
            {
                File.Delete(_namedPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }
}
