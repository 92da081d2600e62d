namespace HeapLens.Profiles;

/// <summary>
/// Reads the source file a profile names, for `list`. The name comes from the profile, so it is
/// hostile: only a file with a size (a regular file; devices and pipes report none, and /dev/zero
/// would never end while a FIFO would block the open) of at most <see cref="MaxBytes"/> is read.
/// </summary>
public static class SourceFile
{
    /// <summary>No source file of a program is this large; a bigger one is not shown.</summary>
    public const long MaxBytes = 16L << 20;

    /// <summary>The file's lines, or null when it is missing, unreadable, not a regular file or too large.</summary>
    public static string[]? TryReadLines(string path)
    {
        if (path.Length == 0)
            return null;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Length == 0 || info.Length > MaxBytes)
                return null;
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            // Read no more than the size seen: a file that grows meanwhile is cut, not followed.
            var bytes = new byte[info.Length];
            int read = file.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            using var reader = new StreamReader(new MemoryStream(bytes, 0, read), detectEncodingFromByteOrderMarks: true);
            var lines = new List<string>();
            while (reader.ReadLine() is { } line)
                lines.Add(SafeText.Of(line));
            return lines.ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
