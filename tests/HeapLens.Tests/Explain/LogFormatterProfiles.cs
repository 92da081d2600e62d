using HeapLens.Tests.Infrastructure;
using HeapLens.Tests.Profiles;

namespace HeapLens.Tests.Explain;

/// <summary>
/// Two real captures shared by the explain tests: `heaplens allocs` on samples/LogFormatter (the slow
/// Formatter, a known cause on each line) and on samples/LogFormatter.Fixed (the fix, on the same lines),
/// each formatting <see cref="Entries"/> log entries.
/// </summary>
public sealed class LogFormatterProfiles : IDisposable
{
    public const int Entries = 1_000_000;

    public LogFormatterProfiles()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("heaplens-explain-").FullName;
        try
        {
            Slow = Capture("LogFormatter.dll", "slow.pb.gz");
            Fixed = Capture("LogFormatter.Fixed.dll", "fixed.pb.gz");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Directory { get; }
    public string Slow { get; }
    public string Fixed { get; }

    /// <summary>The repository's samples/LogFormatter directory (the tests run from tests/HeapLens.Tests/bin/...).</summary>
    public static string SampleDirectory
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
                if (File.Exists(Path.Combine(directory.FullName, "HeapLens.slnx")))
                    return Path.Combine(directory.FullName, "samples", "LogFormatter");
            throw new InvalidOperationException("HeapLens.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    private string Capture(string dll, string name)
    {
        string output = Path.Combine(Directory, name);
        using var target = ChildProcess.StartDll(dll, $"{Entries}");
        target.WaitForLineAsync("ready", TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        using var heaplens = ChildProcess.StartDll("heaplens.dll", "allocs", "-p", $"{target.Id}", "-o", output, "--duration", "5m");
        RawTrace.WaitFor(heaplens.Id, 1, TimeSpan.FromSeconds(60));
        target.WriteLine("go");
        target.WaitForLineAsync("done ", TimeSpan.FromMinutes(3)).GetAwaiter().GetResult();
        heaplens.Interrupt();
        int exit = heaplens.WaitForExit(TimeSpan.FromMinutes(3));
        if (exit != 0)
            throw new InvalidOperationException($"heaplens allocs failed ({exit}): {heaplens.StandardError}");
        target.CloseInput();
        target.WaitForExit(TimeSpan.FromSeconds(30));
        return output;
    }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
            System.IO.Directory.Delete(Directory, recursive: true);
    }
}
