using System.Diagnostics;
using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Capture;

/// <summary>What a capture says when the target is not there or goes away: the truth, in one line.</summary>
public class CaptureMessageTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public void A_process_id_no_target_can_have_is_no_such_dotnet_process(string pid)
    {
        foreach (string command in new[] { "snapshot", "allocs" })
        {
            var result = HeapLensCli.Run(command, "-p", pid);

            Assert.Equal(1, result.ExitCode);
            Assert.Contains($"no .NET process with id {pid}", result.StandardError);
            OutputFileTests.AssertOneLine(result.StandardError);
        }
    }

    [Fact]
    public void A_target_killed_mid_walk_is_reported_as_exited_even_while_it_is_a_zombie()
    {
        // The target's parent is a `sleep` that never reaps it: killed, it stays a zombie, which
        // still has its pid and passed for a running process before.
        var start = new ProcessStartInfo("sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        // stdin is kept on fd 3: a background command's own stdin would be /dev/null.
        start.ArgumentList.Add("exec 3<&0; \"$0\" \"$1\" <&3 3<&- & exec sleep 600 <&-");
        start.ArgumentList.Add(DotNet.HostPath);
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "HeapLens.TestTarget.dll"));
        using var parent = Process.Start(start)!;
        try
        {
            string ready = ReadLine(parent);
            int targetId = int.Parse(ready.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            parent.StandardInput.WriteLine("items 3000000");
            parent.StandardInput.Flush();
            Assert.StartsWith("OK", ReadLine(parent));
            using var directory = new TempDirectory();

            using var capture = new RunningHeapLens(directory.Path, "snapshot", "-p", targetId.ToString(), "-o", "x.heapsnap");
            capture.WaitForOpenTrace(TimeSpan.FromMinutes(1));
            RunningHeapLens.SendSignal(targetId, RunningHeapLens.SigKill);
            var result = capture.WaitForExit(TimeSpan.FromMinutes(2));

            Assert.Equal(1, result.ExitCode);
            Assert.Contains($"process {targetId} exited during the capture", result.StandardError);
            OutputFileTests.AssertOneLine(result.StandardError);
            Assert.Empty(Directory.GetFileSystemEntries(directory.Path));
        }
        finally
        {
            parent.Kill(); // the sleep; the zombie goes to init, which reaps it
        }
    }

    private static string ReadLine(Process process) =>
        process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2)).GetAwaiter().GetResult()
        ?? throw new InvalidOperationException("the target exited");
}
