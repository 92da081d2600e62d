using System.Diagnostics;
using System.Runtime.InteropServices;

namespace HeapLens.BrowserTests;

/// <summary>A dotnet program of the test's output directory run as a child process, killed (tree) on dispose.</summary>
internal sealed partial class ChildProcess : IDisposable
{
    private readonly Process _process;

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public StreamWriter Input => _process.StandardInput;

    public StreamReader Output => _process.StandardOutput;

    public static ChildProcess Start(string dll, params string[] arguments)
    {
        var start = new ProcessStartInfo(HostPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return new ChildProcess(process);
    }

    /// <summary>Runs `heaplens ARGS` to the end; its stdout, or an exception with its exit code.</summary>
    public static async Task<string> RunHeapLensAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(HostPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "heaplens.dll"));
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"heaplens {string.Join(' ', arguments)} exited {process.ExitCode}: {await stderr}");
        return await stdout;
    }

    /// <summary>The next line of standard output, or an exception after the timeout.</summary>
    public async Task<string> ReadLineAsync(TimeSpan timeout) =>
        await _process.StandardOutput.ReadLineAsync().WaitAsync(timeout)
        ?? throw new InvalidOperationException("the process ended without a line");

    /// <summary>Waits until this heaplens holds its raw event stream with the session's first bytes in it.</summary>
    public Task WaitForEventStreamAsync(TimeSpan timeout) =>
        Task.Run(() => HeapLens.Tests.Infrastructure.RawTrace.WaitFor(Id, 1, timeout, () => _process.HasExited));

    /// <summary>SIGINT, then the exit, which must be 0.</summary>
    public async Task InterruptAsync(TimeSpan timeout)
    {
        if (kill(Id, SigInt) != 0)
            throw new InvalidOperationException($"kill -INT {Id} failed");
        await _process.WaitForExitAsync().WaitAsync(timeout);
        if (_process.ExitCode != 0)
            throw new InvalidOperationException($"heaplens {Id} exited {_process.ExitCode} after SIGINT");
    }

    private const int SigInt = 2;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int kill(int pid, int signal);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }

    /// <summary>The dotnet host running the tests, so children run on the same runtime.</summary>
    private static string HostPath { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : Process.GetCurrentProcess().MainModule?.FileName is { } main && Path.GetFileNameWithoutExtension(main) == "dotnet"
                ? main
                : "dotnet";
}
