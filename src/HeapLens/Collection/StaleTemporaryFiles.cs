using System.Globalization;

namespace HeapLens.Collection;

/// <summary>
/// TraceEvent writes its indexed form of a trace (.etlx, first as .etlx.new) to a named file of its
/// choosing, so it cannot be an unnamed file like the raw streams; a heaplens killed while converting
/// leaves it behind. Each name carries the pid of the heaplens that made it: files of processes no
/// longer alive are removed by the next conversion.
/// </summary>
internal static class StaleTemporaryFiles
{
    public const string EtlxPrefix = "heaplens-";

    public static string NewEtlxPath() =>
        Path.Combine(Path.GetTempPath(), $"{EtlxPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}.etlx");

    public static void SweepEtlx()
    {
        try
        {
            foreach (string file in Directory.EnumerateFiles(Path.GetTempPath(), EtlxPrefix + "*.etlx*"))
            {
                string name = Path.GetFileName(file)[EtlxPrefix.Length..];
                int dash = name.IndexOf('-');
                if (dash > 0 && int.TryParse(name[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
                    && pid != Environment.ProcessId && !ProcessLocator.IsAlive(pid))
                    File.Delete(file);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: another heaplens may be sweeping the same files.
        }
    }
}
