using System.Diagnostics;
using System.Globalization;
using HeapLens.Collection;
using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Collection;

/// <summary>
/// The agent's rescans: real target processes, and a port directory of the test's own holding the real
/// names of their sockets next to stale ones (a dead pid; a live pid with another start time, as after pid
/// reuse), so the test knows which ports are live.
/// </summary>
public sealed class ProcessScannerTests
{
    [Theory]
    [InlineData("dotnet-diagnostic-1234-2751840-socket", 1234, 2751840L)]
    [InlineData("dotnet-diagnostic-1234-socket", 1234, 0L)]
    [InlineData("dotnet-diagnostic-0-5-socket", null, null)]
    [InlineData("dotnet-diagnostic--5-socket", null, null)]
    [InlineData("dotnet-diagnostic-12a-5-socket", null, null)]
    [InlineData("dotnet-diagnostic-1234-5", null, null)]
    [InlineData("dotnet-diagnostic-99999999999-5-socket", null, null)]
    [InlineData("clr-debug-pipe-1234-5-in", null, null)]
    public void A_port_name_gives_its_pid_and_start_time(string name, int? pid, long? key)
    {
        var port = DiagnosticsPorts.Parse(name);
        Assert.Equal(pid, port?.ProcessId);
        Assert.Equal(key, port?.StartKey);
    }

    [Fact]
    public void The_key_in_a_real_port_name_is_the_start_time_of_its_process()
    {
        using var target = TargetProcess.StartTestTarget();
        var port = DiagnosticsPorts.Parse(Path.GetFileName(RealPortOf(target.Id)));
        Assert.NotNull(port);
        Assert.Equal(target.Id, port.Value.ProcessId);
        Assert.Equal(TargetState.StartTimeOf(target.Id), port.Value.StartKey.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Stale_ports_are_skipped_live_processes_described_once_and_an_unchanged_directory_not_listed_again()
    {
        using var directory = new TempDirectory();
        using var first = TargetProcess.StartTestTarget();
        string firstPort = Path.GetFileName(RealPortOf(first.Id));
        long firstKey = DiagnosticsPorts.Parse(firstPort)!.Value.StartKey;
        Touch(directory, firstPort);
        Touch(directory, $"dotnet-diagnostic-{first.Id}-{firstKey - 1}-socket"); // the same pid, an earlier process
        Touch(directory, $"dotnet-diagnostic-{DeadPid()}-{firstKey}-socket");
        Touch(directory, "unrelated-file");
        Settle(directory, 1);

        var scanner = new ProcessScanner(directory.Path);
        for (int scan = 0; scan < 3; scan++)
        {
            var listed = Assert.Single(scanner.List());
            Assert.Equal(first.Id, listed.Id);
            Assert.Equal("HeapLens.TestTarget", listed.Name);
        }
        Assert.Equal(1, scanner.Listings);
        Assert.Equal(1, scanner.Descriptions);

        // A newcomer changes the directory: it is listed again, and only the newcomer is described.
        using var second = TargetProcess.StartTestTarget();
        Touch(directory, Path.GetFileName(RealPortOf(second.Id)));
        Settle(directory, 2);
        Assert.Equal([first.Id, second.Id], scanner.List().Select(p => p.Id));
        Assert.Equal(2, scanner.Listings);
        Assert.Equal(2, scanner.Descriptions);

        // A process that dies leaves its port behind: it is dropped without listing the directory again.
        first.Kill();
        WaitUntilGone(first.Id);
        Assert.Equal([second.Id], scanner.List().Select(p => p.Id));
        Assert.Equal(2, scanner.Listings);

        // A directory that changed a moment ago is listed at every scan until it has settled.
        File.Delete(directory.File(Path.GetFileName(RealPortOf(second.Id))));
        Assert.Empty(scanner.List());
        Assert.Empty(scanner.List());
        Assert.Equal(4, scanner.Listings);
    }

    [Fact]
    public void The_machine_scan_lists_a_live_target_and_not_itself()
    {
        using var target = TargetProcess.StartTestTarget();
        var listed = new ProcessScanner().List();
        Assert.Contains(listed, p => p.Id == target.Id && p.Name == "HeapLens.TestTarget");
        Assert.DoesNotContain(listed, p => p.Id == Environment.ProcessId);
    }

    /// <summary>
    /// The target's own port: the newest of its pid's, since a dead process of the same pid may have left its
    /// port behind (this machine keeps thousands), and the live one made its own after that one died.
    /// </summary>
    private static string RealPortOf(int pid) =>
        new DirectoryInfo(Path.GetTempPath()).EnumerateFiles($"dotnet-diagnostic-{pid}-*-socket")
            .OrderByDescending(port => port.LastWriteTimeUtc).First().FullName;

    private static void Touch(TempDirectory directory, string name) => File.WriteAllBytes(directory.File(name), []);

    /// <summary>Sets the directory's change time well in the past (each call a different one), as a directory nobody touched lately.</summary>
    private static void Settle(TempDirectory directory, int step) =>
        Directory.SetLastWriteTimeUtc(directory.Path, DateTime.UtcNow.AddMinutes(-10 + step));

    private static int DeadPid()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }

    private static void WaitUntilGone(int pid)
    {
        var clock = Stopwatch.StartNew();
        while (TargetState.Of(pid) != TargetStatus.Exited && clock.Elapsed < TimeSpan.FromSeconds(30))
            Thread.Sleep(50);
    }
}
