using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Cli;

/// <summary>The real `heaplens` command against a real target: the happy path and every bad input.</summary>
public class SnapshotCliTests
{
    [Fact]
    public void Snapshot_then_top_reports_the_items_the_target_holds()
    {
        using var target = TargetProcess.StartTestTarget();
        target.Send("items 300000");
        target.Send("arrays 50 100000");
        using var directory = new TempDirectory();
        string file = directory.File("target.heapsnap");

        var snapshot = HeapLensCli.Run("snapshot", "-p", target.Id.ToString(), "-o", file);
        Assert.True(snapshot.ExitCode == 0, snapshot.StandardError);
        Assert.Contains("Wrote", snapshot.StandardOutput);
        Assert.Equal("", snapshot.StandardError); // no progress noise when stderr is not a terminal

        var top = HeapLensCli.Run("top", file, "-n", "5", "--format", "json");
        Assert.True(top.ExitCode == 0, top.StandardError);
        using var json = JsonDocument.Parse(top.StandardOutput);
        var types = json.RootElement.GetProperty("types").EnumerateArray().ToList();
        Assert.Equal(5, types.Count);
        var items = types.Single(t => t.GetProperty("type").GetString() == "Fixture.Item");
        Assert.Equal(300_000, items.GetProperty("count").GetInt64());
        Assert.Equal(300_000L * 32, items.GetProperty("shallowBytes").GetInt64());
        // byte[] and the totals also count the runtime's own objects, so only what the target added is exact:
        // its 50 arrays are there, and the totals are the sums of every type's row.
        var arrays = types.Single(t => t.GetProperty("type").GetString() == "System.Byte[]");
        Assert.True(arrays.GetProperty("shallowBytes").GetInt64() >= 50 * ObjectSizes.ByteArray(100_000));
        long total = json.RootElement.GetProperty("totalBytes").GetInt64();
        using (var all = JsonDocument.Parse(HeapLensCli.Run("top", file, "-n", "1000000", "--format", "json").StandardOutput))
        {
            var rows = all.RootElement.GetProperty("types").EnumerateArray().ToList();
            Assert.Equal(total, rows.Sum(t => t.GetProperty("shallowBytes").GetInt64()));
            Assert.Equal(json.RootElement.GetProperty("totalObjects").GetInt64(), rows.Sum(t => t.GetProperty("count").GetInt64()));
        }

        var info = HeapLensCli.Run("info", file, "--format", "json");
        Assert.Equal(0, info.ExitCode);
        using var infoJson = JsonDocument.Parse(info.StandardOutput);
        Assert.Equal(json.RootElement.GetProperty("totalObjects").GetInt64(), infoJson.RootElement.GetProperty("objects").GetInt64());
        Assert.Equal(target.Id, infoJson.RootElement.GetProperty("metadata").GetProperty("processId").GetInt32());
        Assert.Equal(new FileInfo(file).Length, infoJson.RootElement.GetProperty("fileBytes").GetInt64());

        var text = HeapLensCli.Run("top", file);
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("Fixture.Item", text.StandardOutput);
        Assert.Contains("Snapshot of HeapLens.TestTarget", text.StandardOutput);
    }

    [Fact]
    public void Snapshot_by_name_writes_the_default_file_name()
    {
        // A copy of the target under a name no other test uses, so that -n matches exactly one process.
        using var directory = new TempDirectory();
        string name = "NamedTarget" + Guid.NewGuid().ToString("N")[..8];
        File.Copy(Path.Combine(AppContext.BaseDirectory, "HeapLens.TestTarget.dll"), directory.File(name + ".dll"));
        File.Copy(Path.Combine(AppContext.BaseDirectory, "HeapLens.TestTarget.runtimeconfig.json"), directory.File(name + ".runtimeconfig.json"));
        using var target = TargetProcess.Start(directory.File(name + ".dll"), "READY");
        string output = Directory.CreateDirectory(directory.File("out")).FullName;

        var result = HeapLensCli.RunIn(output, "snapshot", "-n", name);

        Assert.True(result.ExitCode == 0, result.StandardError);
        string file = Assert.Single(Directory.GetFiles(output));
        Assert.Matches(@"^\d{8}_\d{6}_" + target.Id + @"\.heapsnap$", Path.GetFileName(file));
    }

    [Fact]
    public void A_name_that_matches_several_processes_lists_them()
    {
        using var first = TargetProcess.StartTestTarget();
        using var second = TargetProcess.StartTestTarget();

        var result = HeapLensCli.Run("snapshot", "-n", "HeapLens.TestTarget");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(first.Id.ToString(), result.StandardError);
        Assert.Contains(second.Id.ToString(), result.StandardError);
        AssertOneLine(result.StandardError);
    }

    [Fact]
    public void Missing_empty_truncated_random_and_foreign_files_are_refused_in_one_line()
    {
        using var directory = new TempDirectory();
        string empty = directory.File("empty.heapsnap");
        File.WriteAllBytes(empty, []);
        string random = directory.File("random.heapsnap");
        File.WriteAllBytes(random, RandomBytes(4096));
        string foreign = directory.File("foreign.heapsnap");
        using (var gzip = new GZipStream(File.Create(foreign), CompressionLevel.Fastest))
            gzip.Write("not a snapshot"u8);
        string magicOnly = directory.File("magic.heapsnap");
        File.WriteAllBytes(magicOnly, "HEAPSNAP"u8.ToArray());

        foreach (var (file, expected) in new[]
        {
            (directory.File("missing.heapsnap"), "no such file"),
            (empty, "is empty"),
            (random, "neither a heap snapshot (.heapsnap) nor a pprof profile"),
            (foreign, "pprof profile"),
            (magicOnly, "is truncated"),
        })
        {
            var result = HeapLensCli.Run("top", file);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains(expected, result.StandardError);
            AssertOneLine(result.StandardError);
        }
    }

    [Fact]
    public void A_truncated_or_damaged_snapshot_is_refused_at_every_cut()
    {
        using var target = TargetProcess.StartTestTarget();
        target.Send("items 20000");
        using var directory = new TempDirectory();
        string file = directory.File("good.heapsnap");
        Assert.Equal(0, HeapLensCli.Run("snapshot", "-p", target.Id.ToString(), "-o", file).ExitCode);
        byte[] good = File.ReadAllBytes(file);

        string cut = directory.File("cut.heapsnap");
        foreach (double fraction in new[] { 0.01, 0.1, 0.33, 0.5, 0.9, 0.999 })
        {
            File.WriteAllBytes(cut, good[..(int)(good.Length * fraction)]);
            var result = HeapLensCli.Run("top", cut);
            Assert.Equal(1, result.ExitCode);
            Assert.Matches("truncated|corrupt", result.StandardError);
            AssertOneLine(result.StandardError);
        }

        string damaged = directory.File("damaged.heapsnap");
        byte[] flipped = (byte[])good.Clone();
        flipped[good.Length / 2] ^= 0x5A;
        File.WriteAllBytes(damaged, flipped);
        var damagedResult = HeapLensCli.Run("top", damaged);
        Assert.Equal(1, damagedResult.ExitCode);
        Assert.Contains("corrupt", damagedResult.StandardError);
    }

    [Fact]
    public void Dead_and_non_dotnet_processes_are_refused()
    {
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        try
        {
            var notDotNet = HeapLensCli.Run("snapshot", "-p", sleeper.Id.ToString());
            Assert.Equal(1, notDotNet.ExitCode);
            Assert.Contains("not a .NET process", notDotNet.StandardError);
            AssertOneLine(notDotNet.StandardError);
        }
        finally
        {
            sleeper.Kill();
        }

        using var target = TargetProcess.StartTestTarget();
        int id = target.Id;
        target.Kill();
        target.Dispose();
        var dead = HeapLensCli.Run("snapshot", "-p", id.ToString());
        Assert.Equal(1, dead.ExitCode);
        Assert.Contains($"no process with id {id}", dead.StandardError);

        var noName = HeapLensCli.Run("snapshot", "-n", "NoSuchProcessAnywhere");
        Assert.Equal(1, noName.ExitCode);
        Assert.Contains("no .NET process named", noName.StandardError);

        var neither = HeapLensCli.Run("snapshot");
        Assert.Equal(1, neither.ExitCode);
        AssertOneLine(neither.StandardError);
    }

    [Fact]
    public void An_unwritable_output_fails_before_the_capture_and_leaves_no_file()
    {
        using var target = TargetProcess.StartTestTarget();
        using var directory = new TempDirectory();

        var missingDirectory = HeapLensCli.Run("snapshot", "-p", target.Id.ToString(), "-o", directory.File("no/such/dir/x.heapsnap"));
        Assert.Equal(1, missingDirectory.ExitCode);
        Assert.Contains("does not exist", missingDirectory.StandardError);

        var isDirectory = HeapLensCli.Run("snapshot", "-p", target.Id.ToString(), "-o", directory.Path);
        Assert.Equal(1, isDirectory.ExitCode);
        Assert.Contains("is a directory", isDirectory.StandardError);

        Assert.Empty(Directory.GetFileSystemEntries(directory.Path));
    }

    [Fact]
    public void Ps_lists_a_running_target_with_its_command_line()
    {
        using var target = TargetProcess.StartTestTarget();

        var result = HeapLensCli.Run("ps", "--format", "json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.StandardOutput);
        var entry = json.RootElement.EnumerateArray().Single(p => p.GetProperty("pid").GetInt32() == target.Id);
        Assert.Equal("HeapLens.TestTarget", entry.GetProperty("name").GetString());
        Assert.Contains("HeapLens.TestTarget.dll", entry.GetProperty("commandLine").GetString());
    }

    private static void AssertOneLine(string stderr)
    {
        Assert.StartsWith("heaplens: ", stderr);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("   at ", stderr);
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(42).NextBytes(bytes);
        return bytes;
    }
}
