namespace HeapLens.Cli.Infrastructure;

internal static class OutputDirectory
{
    /// <summary>
    /// Fails before any work is done when the output cannot be written, so that a capture (which
    /// pauses the target) is never wasted on a bad path. Returns the directory.
    /// </summary>
    public static string EnsureWritable(string outputPath)
    {
        string full = Path.GetFullPath(outputPath);
        if (Directory.Exists(full))
            throw new HeapLensException($"cannot write {outputPath}: it is a directory");
        string directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
            throw new HeapLensException($"cannot write {outputPath}: directory {directory} does not exist");
        string probe = Path.Combine(directory, $".heaplens-probe-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HeapLensException($"cannot write {outputPath}: {e.Message}");
        }
        return directory;
    }
}
