using System.Diagnostics;
using System.Runtime.InteropServices;
using HeapLens.Tests.Infrastructure;

namespace HeapLens.Tests.Capture;

/// <summary>
/// A `heaplens` command running in the background, so that a test can signal it mid-capture (only
/// this process: its own pid) and then collect its exit code and output.
/// </summary>
internal sealed partial class RunningHeapLens : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    public RunningHeapLens(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(DotNet.HostPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "heaplens.dll"));
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        _process = Process.Start(start)!;
        _stdout = _process.StandardOutput.ReadToEndAsync();
        _stderr = _process.StandardError.ReadToEndAsync();
    }

    public int Id => _process.Id;

    public const int SigHup = 1, SigInt = 2, SigKill = 9, SigTerm = 15, SigCont = 18, SigStop = 19;

    public void Signal(int signal) => SendSignal(Id, signal);

    public static void SendSignal(int pid, int signal)
    {
        if (kill(pid, signal) != 0)
            throw new InvalidOperationException($"kill -{signal} {pid} failed");
    }

    /// <summary>
    /// Waits until heaplens has its raw event stream open (a .nettrace among its open files): the
    /// session is started and streaming. Seen through /proc, whether the file still has a name or not.
    /// </summary>
    public void WaitForOpenTrace(TimeSpan timeout) => RawTrace.WaitFor(Id, 0, timeout, () => _process.HasExited);

    public CliResult WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
            throw new TimeoutException($"heaplens did not exit within {timeout.TotalSeconds} s");
        _process.WaitForExit();
        return new CliResult(_process.ExitCode, _stdout.Result, _stderr.Result);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill();
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
