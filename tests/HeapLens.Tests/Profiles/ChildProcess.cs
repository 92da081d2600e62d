using Xunit;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace HeapLens.Tests.Profiles;

/// <summary>
/// A .NET program started by a test as `dotnet some.dll args`, with its stdout read line by line
/// and its stderr collected. Disposing kills it if it is still running (only processes we started).
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly StringBuilder _stdout = new();
    private readonly System.Threading.Channels.Channel<string> _lines = System.Threading.Channels.Channel.CreateUnbounded<string>();

    private ChildProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _lines.Writer.TryComplete();
                return;
            }
            lock (_stdout)
                _stdout.AppendLine(e.Data);
            _lines.Writer.TryWrite(e.Data);
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lock (_stderr)
                    _stderr.AppendLine(e.Data);
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public string StandardOutput { get { lock (_stdout) return _stdout.ToString(); } }

    public string StandardError { get { lock (_stderr) return _stderr.ToString(); } }

    public static string BesideTests(string fileName) => Path.Combine(AppContext.BaseDirectory, fileName);

    public static ChildProcess StartDll(string dll, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(BesideTests(dll));
        foreach (string arg in args)
            info.ArgumentList.Add(arg);
        return new ChildProcess(Process.Start(info)!);
    }

    /// <summary>Runs heaplens to completion and returns its exit code, stdout and stderr.</summary>
    public static (int ExitCode, string Out, string Err) RunHeapLens(params string[] args)
    {
        using var child = StartDll("heaplens.dll", args);
        child._process.StandardInput.Close();
        if (!child._process.WaitForExit(TimeSpan.FromMinutes(3)))
            throw new TimeoutException("heaplens " + string.Join(' ', args) + " did not finish");
        child._process.WaitForExit(); // drains the output events
        return (child._process.ExitCode, child.StandardOutput, child.StandardError);
    }

    /// <summary>Waits for the next line of stdout that starts with the prefix.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                string line = await _lines.Reader.ReadAsync(cancel.Token);
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                    return line;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
        {
            throw new TimeoutException($"no line starting with '{prefix}'; stdout: {StandardOutput} stderr: {StandardError}");
        }
    }

    public void WriteLine(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Sends SIGINT, as Ctrl+C in a terminal would.</summary>
    public void Interrupt()
    {
        if (kill(_process.Id, 2) != 0)
            throw new InvalidOperationException($"kill -INT {_process.Id} failed");
    }

    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
            throw new TimeoutException($"process {_process.Id} did not exit; stdout: {StandardOutput} stderr: {StandardError}");
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
