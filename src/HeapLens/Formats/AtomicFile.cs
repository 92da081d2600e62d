namespace HeapLens.Formats;

/// <summary>
/// The one way HeapLens writes an output file: to a temporary file in the destination's directory,
/// flushed to disk, then renamed over the destination. A reader never sees half a file, a failure
/// (disk full, Ctrl+C, an exception in the writer) leaves the destination as it was and no temporary
/// file behind, and only a regular file is ever replaced: renaming over /dev/null or a FIFO would
/// turn the device into a file.
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// Checks that <paramref name="path"/> can receive an output file and returns the path to write:
    /// symbolic links are followed (the file they point to is replaced, not the link).
    /// </summary>
    /// <exception cref="HeapLensException">Empty, "-", a directory, a device or FIFO, or a missing directory.</exception>
    public static string CheckDestination(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new HeapLensException("the output file name is empty");
        if (path == "-")
            throw new HeapLensException("this output cannot be written to stdout ('-'); give a file name");
        string fullPath = Path.GetFullPath(path);
        if (new FileInfo(fullPath).LinkTarget is not null)
            fullPath = FinalTargetOf(fullPath);
        switch (FileKinds.Of(fullPath))
        {
            case FileKind.Missing:
                break;
            case FileKind.Regular:
                break;
            case FileKind.Directory:
                throw new HeapLensException($"cannot write {path}: it is a directory");
            default:
                throw new HeapLensException($"cannot write {path}: it is not a regular file (a device, FIFO or socket is never replaced)");
        }
        string directory = Path.GetDirectoryName(fullPath)!;
        if (!Directory.Exists(directory))
            throw new HeapLensException($"cannot write {path}: directory {directory} does not exist");
        return fullPath;
    }

    private static string FinalTargetOf(string link)
    {
        try
        {
            return File.ResolveLinkTarget(link, returnFinalTarget: true)?.FullName ?? link;
        }
        catch (IOException)
        {
            return link; // a dangling or looping link: what the link names is what gets written
        }
    }

    /// <summary>Writes the file through <paramref name="write"/> and moves it into place only when it is complete and on disk.</summary>
    /// <exception cref="HeapLensException">The destination is not writable or the write failed (the message names the file).</exception>
    public static void Write(string path, Action<Stream> write, int bufferSize = 1 << 16)
    {
        string fullPath = CheckDestination(path);
        string temporary = TemporaryNameFor(fullPath);
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize))
            {
                write(file);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new HeapLensException($"cannot write {path}: {e.Message}", e);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    // Hidden, unique, and in the same directory: a rename within one file system is atomic.
    private static string TemporaryNameFor(string fullPath) =>
        Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
