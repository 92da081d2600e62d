using System.Diagnostics;

namespace HeapLens.Collection;

/// <summary>A .NET process with a live diagnostics port.</summary>
public sealed record DotNetProcess(int Id, string Name, string CommandLine);

/// <summary>Finds .NET processes that can be attached to, by pid or by name.</summary>
public static class ProcessLocator
{
    /// <summary>
    /// Processes that publish a diagnostics port and are still running. Dead processes leave their
    /// socket behind in the temp directory, so every port's process is checked for life (and, on Linux,
    /// for being the process that published it). One scan; <see cref="ProcessScanner"/> repeats them cheaply.
    /// </summary>
    public static IReadOnlyList<DotNetProcess> List() => new ProcessScanner().List();

    /// <summary>This process, for in-process profiling (it attaches to its own diagnostics port).</summary>
    public static DotNetProcess Current() =>
        TryDescribe(Environment.ProcessId) ?? new DotNetProcess(Environment.ProcessId, "self", "");

    /// <summary>Resolves -p/-n to exactly one attachable process, or throws a one-line explanation.</summary>
    public static DotNetProcess Resolve(int? processId, string? name)
    {
        if (processId is null == name is null)
            throw new HeapLensException("give exactly one of --process-id (-p) or --name (-n)");
        return processId is int pid ? ResolveId(pid) : ResolveName(name!);
    }

    private static DotNetProcess ResolveId(int pid)
    {
        // Not a process id a target can have (0 would name heaplens itself to some APIs).
        if (pid <= 0 || pid == Environment.ProcessId)
            throw new HeapLensException($"no .NET process with id {pid} (see 'heaplens ps')");
        var process = (IsAlive(pid) ? TryDescribe(pid) : null)
            ?? throw new HeapLensException($"no process with id {pid} is running");
        // A stale port of a dead .NET process names its pid too, and the pid may now be any process's.
        bool published = DiagnosticsPorts.List(DiagnosticsPorts.DefaultDirectory)
            .Exists(port => port.ProcessId == pid && ProcessScanner.IsAlive(port));
        if (!published)
            throw new HeapLensException($"process {pid} ({process.Name}) is not a .NET process with a diagnostics port (see 'heaplens ps')");
        return process;
    }

    private static DotNetProcess ResolveName(string name)
    {
        var matches = List()
            .Where(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            .ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new HeapLensException($"no .NET process named '{name}' (see 'heaplens ps')"),
            _ => throw new HeapLensException(
                $"{matches.Count} .NET processes are named '{name}': " +
                string.Join(", ", matches.Select(p => $"{p.Id} ({Shorten(p.CommandLine)})")) +
                "; pick one with -p"),
        };
    }

    /// <summary>Running or stopped, but not gone and not a zombie.</summary>
    public static bool IsAlive(int pid) => TargetState.Of(pid) != TargetStatus.Exited;

    /// <summary>Whether .NET sees a process with this id that has not exited (a zombie counts as running here).</summary>
    internal static bool IsRunning(int pid) => TryDescribe(pid) is not null;

    /// <summary>The name and command line of a process, or null when it is gone.</summary>
    internal static DotNetProcess? TryDescribe(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            if (process.HasExited)
                return null;
            // A process names itself: its name and arguments are made safe to print here, once.
            return new DotNetProcess(pid, SafeText.Of(NameOf(pid, process)), SafeText.Of(CommandLineOf(pid)));
        }
        catch (ArgumentException)
        {
            return null; // no such process
        }
        catch (InvalidOperationException)
        {
            return null; // exited while we looked
        }
    }

    /// <summary>
    /// For an app started as `dotnet app.dll` the OS name is "dotnet"; the app's name is what the user
    /// knows, so take it from the entry assembly on the command line.
    /// </summary>
    private static string NameOf(int pid, Process process)
    {
        string name = process.ProcessName;
        if (name == "dotnet")
        {
            var args = CommandLineArguments(pid);
            var dll = args.Skip(1).FirstOrDefault(a => a.EndsWith(".dll", StringComparison.OrdinalIgnoreCase));
            if (dll is not null)
                return Path.GetFileNameWithoutExtension(dll);
        }
        return name;
    }

    private static string CommandLineOf(int pid) => string.Join(' ', CommandLineArguments(pid));

    private static string[] CommandLineArguments(int pid)
    {
        try
        {
            string path = $"/proc/{pid}/cmdline";
            if (!File.Exists(path))
                return [];
            return File.ReadAllText(path).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>
    /// The runtime version, read from where libcoreclr is mapped (…/Microsoft.NETCore.App/10.0.12/libcoreclr.so).
    /// Empty when it cannot be told (not Linux, or no permission).
    /// </summary>
    public static string RuntimeVersionOf(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/maps"))
            {
                int at = line.IndexOf("/libcoreclr.so", StringComparison.Ordinal);
                if (at < 0)
                    continue;
                string directory = line[..at];
                string version = directory[(directory.LastIndexOf('/') + 1)..];
                return version;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return "";
    }

    /// <summary>The runtime's major version (10 for .NET 10), or null when it cannot be told.</summary>
    public static int? RuntimeMajorVersionOf(int pid)
    {
        string version = RuntimeVersionOf(pid);
        int dot = version.IndexOf('.');
        return dot > 0 && int.TryParse(version[..dot], out int major) ? major : null;
    }

    // The end of a command line (the app and its arguments) tells processes apart; the start is the host.
    private static string Shorten(string text) => text.Length <= 60 ? text : "..." + text[^57..];
}
