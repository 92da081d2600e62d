using System.Diagnostics;
using HeapLens.Tests.Infrastructure;
using HeapLens.Tests.Profiles;
using Xunit;

namespace HeapLens.Tests.Capture;

/// <summary>
/// The disk fills up during a capture (a 2 MB tmpfs, mounted for the test; needs root, and the test
/// passes without checking anything otherwise): the session is stopped at the first write error, the
/// command fails in one line that names the cause, and nothing is left on the full disk.
/// </summary>
public sealed class DiskFullTests : IDisposable
{
    private readonly TempDirectory _mountPoint = new();
    private readonly bool _mounted;

    public DiskFullTests()
    {
        if (Environment.UserName != "root")
            return;
        using var mount = Process.Start(new ProcessStartInfo("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", _mountPoint.Path])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
        })!;
        mount.WaitForExit();
        _mounted = mount.ExitCode == 0;
    }

    public void Dispose()
    {
        if (_mounted)
            Process.Start("umount", [_mountPoint.Path])!.WaitForExit();
        _mountPoint.Dispose();
    }

    [Fact]
    public void Snapshot_onto_a_full_disk_fails_at_once_in_one_line()
    {
        if (!_mounted)
            return;
        using var target = TargetProcess.StartTestTarget();
        target.Send("items 1000000"); // a stream of ~45 MB for a 2 MB disk

        var result = HeapLensCli.RunIn(_mountPoint.Path, "snapshot", "-p", target.Id.ToString(), "-o", "x.heapsnap");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("No space left on device", result.StandardError);
        Assert.Contains("the capture was stopped", result.StandardError);
        OutputFileTests.AssertOneLine(result.StandardError);
        Assert.Empty(Directory.GetFileSystemEntries(_mountPoint.Path));
    }

    [Fact]
    public async Task Allocs_onto_a_full_disk_fails_at_once_in_one_line()
    {
        if (!_mounted)
            return;
        using var target = ChildProcess.StartDll("AllocTarget.dll", "churn", "300");
        await target.WaitForLineAsync("ready", TimeSpan.FromSeconds(30));

        var result = await HeapLensCli.RunInAsync(_mountPoint.Path, TimeSpan.FromMinutes(5),
            "allocs", "-p", target.Id.ToString(), "-o", "p.pb.gz", "--duration", "4m");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("No space left on device", result.StandardError);
        OutputFileTests.AssertOneLine(result.StandardError);
        Assert.Empty(Directory.GetFileSystemEntries(_mountPoint.Path));
    }
}
