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
    public static void Save(Profile profile, string path) => AtomicFile.Write(path, file => Save(profile, file));

    /// <summary>Writes the profile gzip-compressed to a stream (an HTTP response, a pipe), leaving it open.</summary>
    public static void Save(Profile profile, Stream output)
    {
        using var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true);
        PprofWriter.Write(profile, gzip);
    }

    /// <summary>
    /// gzip's best case, as DEFLATE's: one compressed byte never yields more than about 1032 bytes.
    /// A file that claims to expand further is not gzip; one that expands beyond
    /// <see cref="PprofReader.MaxProfileBytes"/> is refused whatever its ratio.
    /// </summary>
    private const long MaxGzipRatio = 1032;

    /// <summary>Reads a profile, gzip-compressed or not.</summary>
    /// <exception cref="HeapLensException">The file is missing, empty, truncated, not a profile, or more than a profile can need.</exception>
    public static Profile Load(string path)
    {
        if (Directory.Exists(path))
            throw new HeapLensException($"{path} is a directory, not a pprof profile");
        if (!File.Exists(path))
            throw new HeapLensException($"{path}: no such file");
        // Devices and pipes report no length: refusing them here keeps /dev/zero from being read
        // forever and a FIFO from blocking the open.
        long length = new FileInfo(path).Length;
        if (length == 0)
            throw new HeapLensException($"{path}: the file is empty (or not a regular file)");
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            bool gzip = IsGzip(file);
            using var input = gzip ? Decompressed(file, path) : file;
            long limit = Math.Min(PprofReader.MaxProfileBytes, gzip ? (length + 64) * MaxGzipRatio : length);
            return PprofReader.Read(new BoundedReadStream(input, limit,
                () => new HeapLensException(limit == PprofReader.MaxProfileBytes
                    ? $"{path}: the profile is larger than {PprofReader.MaxProfileBytes / (1 << 20):N0} MB uncompressed, more than HeapLens reads"
                    : $"{path}: not a pprof profile (its gzip data expands more than gzip can)")));
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
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HeapLensException($"cannot read {path}: {e.Message}", e);
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
            // Devices and pipes report no length: never opened (a FIFO would block the open).
            if (!File.Exists(path) || new FileInfo(path).Length < 2)
                return false;
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

    /// <summary>The gzip file's data, checked against its trailer when it ends (a cut file is refused as one).</summary>
    private static Stream Decompressed(FileStream file, string path)
    {
        Func<Exception> cut = () => new HeapLensException($"{path}: not a pprof profile (its gzip data is cut short or damaged: the gzip trailer does not match)");
        byte[] trailer = GzipTrailerCheck.TrailerOf(file) ?? throw cut();
        return new GzipTrailerCheck(new GZipStream(file, CompressionMode.Decompress), trailer, cut);
    }

    private static bool IsGzip(FileStream file)
    {
        int first = file.ReadByte(), second = file.ReadByte();
        file.Position = 0;
        return first == 0x1f && second == 0x8b;
    }
}
