using System.IO.Compression;
using HeapLens.Profiles;

namespace HeapLens.Formats.Pprof;

/// <summary>Reads and writes pprof files (gzip-compressed profile.proto, as pprof and Go write them).</summary>
public static class PprofFile
{
    /// <summary>
    /// Writes the profile gzip-compressed. The bytes go to a temporary file in the same directory
    /// that is renamed over the target only when complete, so a failure never leaves half a file.
    /// </summary>
    public static void Save(Profile profile, string path) =>
        AtomicFile.Write(path, file =>
        {
            using var gzip = new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true);
            PprofWriter.Write(profile, gzip);
        });

    /// <summary>Reads a profile, gzip-compressed or not.</summary>
    /// <exception cref="HeapLensException">The file is missing, empty, truncated or not a profile.</exception>
    public static Profile Load(string path)
    {
        if (!File.Exists(path))
            throw new HeapLensException($"{path}: no such file");
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            if (file.Length == 0)
                throw new HeapLensException($"{path}: the file is empty");
            using var input = IsGzip(file) ? (Stream)new GZipStream(file, CompressionMode.Decompress) : file;
            return PprofReader.Read(input);
        }
        catch (HeapLensException e) when (!e.Message.StartsWith(path, StringComparison.Ordinal))
        {
            throw new HeapLensException($"{path}: {e.Message}", e);
        }
        catch (InvalidDataException e)
        {
            throw new HeapLensException($"{path}: not a pprof profile (broken gzip data: {e.Message})", e);
        }
        catch (EndOfStreamException e)
        {
            throw new HeapLensException($"{path}: not a pprof profile (truncated)", e);
        }
    }

    /// <summary>
    /// Whether the file looks like a pprof profile, judged from its first bytes: gzip's magic 1f 8b,
    /// or an uncompressed profile.proto, which starts with field 1 (sample_type, tag 0x0a) when
    /// written by pprof, Go or HeapLens.
    /// </summary>
    public static bool LooksLikeProfile(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            Span<byte> head = stackalloc byte[2];
            int read = file.ReadAtLeast(head, 2, throwOnEndOfStream: false);
            if (read < 2)
                return false;
            return (head[0] == 0x1f && head[1] == 0x8b) || head[0] == 0x0a;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool IsGzip(FileStream file)
    {
        int first = file.ReadByte(), second = file.ReadByte();
        file.Position = 0;
        return first == 0x1f && second == 0x8b;
    }
}
