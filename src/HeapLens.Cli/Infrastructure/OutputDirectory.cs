using HeapLens.Formats;

namespace HeapLens.Cli.Infrastructure;

internal static class OutputDirectory
{
    /// <summary>
    /// Fails before any work is done when the output cannot be written, so that a capture (which
    /// pauses the target) is never wasted on a bad path: an empty name, a directory, a device or a
    /// FIFO, a missing or read-only directory. Returns the directory.
    /// </summary>
    public static string EnsureWritable(string outputPath)
    {
        string full = AtomicFile.CheckDestination(outputPath);
        string directory = Path.GetDirectoryName(full)!;
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
