using System.Diagnostics;

namespace HeapLens.Tests.Infrastructure;

public sealed record CliResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>Runs the real `heaplens` command (heaplens.dll next to the tests) as a child process.</summary>
public static class HeapLensCli
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    public static CliResult Run(params string[] arguments) => RunIn(null, arguments);

    public static CliResult RunIn(string? workingDirectory, params string[] arguments) =>
        RunInAsync(workingDirectory, DefaultTimeout, arguments).GetAwaiter().GetResult();

    public static Task<CliResult> RunAsync(TimeSpan timeout, params string[] arguments) =>
        RunInAsync(null, timeout, arguments);

    public static async Task<CliResult> RunInAsync(string? workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo(DotNet.HostPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "heaplens.dll"));
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("heaplens " + string.Join(' ', arguments) + " did not finish");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>A scratch directory deleted after the test.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("heaplens-test-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
