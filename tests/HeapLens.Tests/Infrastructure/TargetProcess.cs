using System.Diagnostics;
using HeapLens.Collection;

namespace HeapLens.Tests.Infrastructure;

/// <summary>
/// A real .NET target process (tests/HeapLens.TestTarget or another app next to the test assembly),
/// driven through stdin: each command is answered with "OK" once its objects exist.
/// </summary>
public sealed class TargetProcess : IDisposable
{
    private readonly Process _process;

    private TargetProcess(Process process)
    {
        _process = process;
    }

    public int Id => _process.Id;

    public DotNetProcess Descriptor => ProcessLocator.Resolve(Id, null);

    /// <param name="serverGc">Run it with server GC (one GC thread per core), as ASP.NET Core apps run.</param>
    public static TargetProcess StartTestTarget(bool serverGc = false) =>
        StartWith("HeapLens.TestTarget.dll", "READY", serverGc ? new Dictionary<string, string> { ["DOTNET_gcServer"] = "1" } : null);

    public static TargetProcess Start(string assembly, string readyPrefix, params string[] arguments) =>
        StartWith(assembly, readyPrefix, null, arguments);

    private static TargetProcess StartWith(string assembly, string readyPrefix, IReadOnlyDictionary<string, string>? environment,
        params string[] arguments)
    {
        var start = new ProcessStartInfo(DotNet.HostPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assembly));
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + assembly);
        var target = new TargetProcess(process);
        target.WaitForLine(readyPrefix, TimeSpan.FromSeconds(60));
        target.WaitForDiagnosticsPort();
        return target;
    }

    /// <summary>Sends a command and waits for the target to confirm it; returns the confirmation line.</summary>
    public string Send(string command)
    {
        _process.StandardInput.WriteLine(command);
        _process.StandardInput.Flush();
        return WaitForLine("OK", TimeSpan.FromMinutes(5));
    }

    public string WaitForLine(string prefix, TimeSpan timeout)
    {
        var read = _process.StandardOutput.ReadLineAsync();
        while (true)
        {
            if (!read.Wait(timeout))
                throw new TimeoutException($"the target did not print '{prefix}' in time");
            string? line = read.Result ?? throw new InvalidOperationException(
                $"the target exited before printing '{prefix}': {_process.StandardError.ReadToEnd()}");
            if (line.StartsWith(prefix, StringComparison.Ordinal))
                return line;
            if (line.StartsWith("ERROR", StringComparison.Ordinal))
                throw new InvalidOperationException(line);
            read = _process.StandardOutput.ReadLineAsync();
        }
    }

    private void WaitForDiagnosticsPort()
    {
        var clock = Stopwatch.StartNew();
        while (!Microsoft.Diagnostics.NETCore.Client.DiagnosticsClient.GetPublishedProcesses().Contains(Id))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
                throw new TimeoutException("the target's diagnostics port did not appear");
            Thread.Sleep(50);
        }
    }

    public void Kill() => _process.Kill(entireProcessTree: true);

    public bool HasExited => _process.HasExited;

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
}

internal static class DotNet
{
    /// <summary>The dotnet host running the tests, so targets run on the same runtime.</summary>
    public static string HostPath { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : Process.GetCurrentProcess().MainModule?.FileName is { } main && Path.GetFileNameWithoutExtension(main) == "dotnet"
                ? main
                : "dotnet";
}
