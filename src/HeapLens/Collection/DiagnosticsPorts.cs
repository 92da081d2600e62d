using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;

namespace HeapLens.Collection;

/// <summary>
/// A diagnostics port a .NET runtime published. On Linux and macOS it is the socket
/// <c>dotnet-diagnostic-{pid}-{key}-socket</c> in the temp directory, where the key is the process's
/// start time (on Linux the clock ticks since boot of /proc/PID/stat field 22): with the pid it names one
/// process, so a stale socket whose pid now belongs to another process is told from a live one.
/// </summary>
/// <param name="Name">The port's file name: what a scan remembers it by.</param>
/// <param name="StartKey">The start time in the name; 0 when the name has none (Windows) or the runtime could not tell.</param>
internal readonly record struct DiagnosticsPort(string Name, int ProcessId, long StartKey);

/// <summary>Lists the diagnostics ports published on this machine, live or stale, without touching the processes.</summary>
internal static class DiagnosticsPorts
{
    private const string Prefix = "dotnet-diagnostic-";
    private const string Suffix = "-socket";

    /// <summary>Where the runtime publishes its sockets (as the diagnostics client looks for them); null on Windows (named pipes).</summary>
    public static string? DefaultDirectory => OperatingSystem.IsWindows() ? null : Path.GetTempPath();

    /// <summary>The ports in <paramref name="directory"/>, or the named pipes of Windows when it is null.</summary>
    public static List<DiagnosticsPort> List(string? directory)
    {
        var ports = new List<DiagnosticsPort>();
        if (directory is null)
        {
            foreach (int pid in DiagnosticsClient.GetPublishedProcesses())
                ports.Add(new DiagnosticsPort(pid.ToString(CultureInfo.InvariantCulture), pid, 0));
            return ports;
        }
        // Names only: no FileInfo per entry (a busy temp directory holds thousands of files).
        foreach (string path in Directory.EnumerateFiles(directory, Prefix + "*" + Suffix))
        {
            if (Parse(Path.GetFileName(path)) is { } port)
                ports.Add(port);
        }
        return ports;
    }

    /// <summary>"dotnet-diagnostic-{pid}-{key}-socket" (the key may be missing), or null for any other name.</summary>
    internal static DiagnosticsPort? Parse(string name)
    {
        if (!name.StartsWith(Prefix, StringComparison.Ordinal) || !name.EndsWith(Suffix, StringComparison.Ordinal))
            return null;
        var middle = name.AsSpan(Prefix.Length, name.Length - Prefix.Length - Suffix.Length);
        int dash = middle.IndexOf('-');
        var pidText = dash < 0 ? middle : middle[..dash];
        long key = 0;
        if (!int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid <= 0
            || (dash >= 0 && !long.TryParse(middle[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out key)))
            return null;
        return new DiagnosticsPort(name, pid, key);
    }
}
