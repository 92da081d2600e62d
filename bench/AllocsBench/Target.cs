using System.Diagnostics;
using System.Threading.Channels;

namespace HeapLens.Bench.Allocs;

/// <summary>AllocTarget churn or work, started as a child process, reporting its throughput once per second.</summary>
internal sealed class Target : IDisposable
{
    private readonly Process _process;

    public Channel<(DateTime At, double AllocationsPerSecond)> Throughput { get; } =
        Channel.CreateUnbounded<(DateTime, double)>();

    public Target(string workload, int seconds)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "AllocTarget.dll"));
        info.ArgumentList.Add(workload);
        info.ArgumentList.Add(seconds.ToString());
        _process = Process.Start(info)!;
        var ready = new TaskCompletionSource();
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            if (e.Data == "ready")
                ready.TrySetResult();
            else if (e.Data.StartsWith("throughput ", StringComparison.Ordinal))
                Throughput.Writer.TryWrite((DateTime.UtcNow, double.Parse(e.Data["throughput ".Length..])));
        };
        _process.BeginOutputReadLine();
        Ready = ready.Task;
    }

    public Task Ready { get; }
    public int Id => _process.Id;

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill();
        _process.Dispose();
    }
}
