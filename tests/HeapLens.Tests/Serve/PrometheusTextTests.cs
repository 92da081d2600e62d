using System.Diagnostics;
using HeapLens.AspNetCore;
using HeapLens.Collection;
using HeapLens.Monitoring;
using HeapLens.Timelines;
using Xunit;

namespace HeapLens.Tests.Serve;

/// <summary>The exposition text, checked by Prometheus's own linter (promtool, from Debian's prometheus).</summary>
public sealed class PrometheusTextTests
{
    [Fact]
    public void Hostile_process_names_are_escaped_and_promtool_accepts_the_text()
    {
        var processes = new[]
        {
            Counters(1, "quote\"back\\slash\nnewline\u001b[31m"),
            Counters(2, "plain"),
        };
        string text = PrometheusText.Write(processes);
        Assert.Contains("name=\"quote\\\"back\\\\slash", text);
        Assert.DoesNotContain("\u001b", text);
        Assert.Equal(0, text.Split('\n').Count(l => l.Length > 0 && !l.StartsWith('#') && !l.Contains("} ", StringComparison.Ordinal)));
        var (exit, output) = Promtool(text);
        Assert.True(exit == 0, output);
        // Unknown trends have no floor lines; every other family has both processes.
        Assert.DoesNotContain("heaplens_gc_floor_bytes{", text);
        Assert.Equal(2, text.Split('\n').Count(l => l.StartsWith("heaplens_leak_suspected{", StringComparison.Ordinal)));
        Assert.Equal(6, text.Split('\n').Count(l => l.StartsWith("heaplens_gc_collections_total{", StringComparison.Ordinal)));
    }

    private static ProcessGcCounters Counters(int pid, string name) => new(
        new DotNetProcess(pid, name, ""), DateTime.UtcNow, TrendResult.Unknown("warming up"), [3, 2, 1],
        new GenerationSizes(1, 2, 3, 4, 5), 0.25, 12345);

    private static (int Exit, string Output) Promtool(string text)
    {
        var info = new ProcessStartInfo("promtool")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        info.ArgumentList.Add("check");
        info.ArgumentList.Add("metrics");
        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start promtool (apt-get install prometheus)");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(text);
        process.StandardInput.Close();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }
}
