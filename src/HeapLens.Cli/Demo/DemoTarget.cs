using System.Diagnostics;
using HeapLens.Collection;
using Microsoft.Diagnostics.NETCore.Client;

namespace HeapLens.Cli.Demo;

/// <summary>
/// The bundled LeakyService, run as a child process (LeakyService.dll ships next to heaplens.dll) and
/// driven through its stdin: "serve N" answers "OK" when the requests are done.
/// </summary>
internal sealed class DemoTarget : IDisposable
{
    private readonly Process _process;

    private DemoTarget(Process process) => _process = process;

    public int Id => _process.Id;

    public static DemoTarget Start(params string[] arguments)
    {
        string assembly = Path.Combine(AppContext.BaseDirectory, "LeakyService.dll");
        if (!File.Exists(assembly))
            throw new HeapLensException($"the demo target is missing: {assembly} (reinstall HeapLens)");
        var start = new ProcessStartInfo(DotNetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        var process = Process.Start(start) ?? throw new HeapLensException("could not start the demo target");
        var target = new DemoTarget(process);
        try
        {
            target.ReadUntil("READY", TimeSpan.FromMinutes(5));
            target.WaitForDiagnosticsPort();
        }
        catch
        {
            target.Dispose();
            throw;
        }
        return target;
    }

    public DotNetProcess Descriptor => ProcessLocator.Resolve(Id, null);

    public void Serve(int requests)
    {
        _process.StandardInput.WriteLine($"serve {requests}");
        _process.StandardInput.Flush();
        ReadUntil("OK", TimeSpan.FromMinutes(5));
    }

    private void ReadUntil(string prefix, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var line = _process.StandardOutput.ReadLineAsync();
            if (!line.Wait(timeout - clock.Elapsed > TimeSpan.Zero ? timeout - clock.Elapsed : TimeSpan.Zero))
                throw new HeapLensException("the demo target did not answer in time");
            if (line.Result is null)
                throw new HeapLensException("the demo target exited: " + _process.StandardError.ReadToEnd().Trim());
            if (line.Result.StartsWith(prefix, StringComparison.Ordinal))
                return;
        }
    }

    private void WaitForDiagnosticsPort()
    {
        var clock = Stopwatch.StartNew();
        while (!DiagnosticsClient.GetPublishedProcesses().Contains(Id))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
                throw new HeapLensException("the demo target's diagnostics port did not appear");
            Thread.Sleep(50);
        }
    }

    /// <summary>The dotnet host: the one running heaplens when it runs as `dotnet heaplens.dll`, else the one on PATH.</summary>
    private static string DotNetHost()
    {
        string? current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
            return current;
        string? root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (root is not null && File.Exists(Path.Combine(root, "dotnet")))
            return Path.Combine(root, "dotnet");
        return "dotnet";
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.WriteLine("exit");
                _process.StandardInput.Flush();
                if (!_process.WaitForExit(5_000))
                    _process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
        }
        _process.Dispose();
    }
}
