using Xunit;
using System.Diagnostics;

namespace HeapLens.Tests.Profiles;

/// <summary>Runs `go tool pprof`, the reference reader of pprof files (Debian package golang-go).</summary>
internal static class GoPprof
{
    public static string Run(params string[] args)
    {
        var info = new ProcessStartInfo("go") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("tool");
        info.ArgumentList.Add("pprof");
        foreach (string arg in args)
            info.ArgumentList.Add(arg);
        // pprof must not try to reach a symbol server or open a browser.
        info.Environment["PPROF_TOOLS"] = "";
        info.Environment["PPROF_BINARY_PATH"] = "/nonexistent";
        using var process = Process.Start(info)
            ?? throw new InvalidOperationException("cannot start go (is golang-go installed? .ci/run installs it)");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"go tool pprof {string.Join(' ', args)} failed: {stderr.Result}");
        return stdout;
    }
}
