using System.Text.Json;
using HeapLens.Analysis;
using HeapLens.Formats.HeapSnap;
using HeapLens.Reports;
using HeapLens.Tests.Profiles;
using Xunit;

namespace HeapLens.Tests.Snapshots;

/// <summary>
/// `snapshot --allocs` against a target whose truth is known (<see cref="SnapshotAllocsFixture"/>): the
/// kept byte[1000] arrays accumulate under static Keeper.Kept, and the snapshot must say they were
/// allocated on Keeper.Keep's line, not Keeper.Drop's (same type, ten times the allocations), with an
/// estimated count within 15% of what the target says it kept.
/// </summary>
public sealed class SnapshotAllocsTests(SnapshotAllocsFixture capture) : IClassFixture<SnapshotAllocsFixture>
{
    private const string Keep = "AllocTarget.Keeper.Keep";
    private const string KeptField = "AllocTarget.Keeper.Kept";
    private const string KeepLine = "Kept.Add(new byte[ArrayLength]);";
    private const double Tolerance = 0.15;

    private AnalyzedSnapshot Analyzed => AnalyzedSnapshot.Analyze(HeapSnapFile.Read(capture.SnapshotPath));

    private SuspectRow KeptSuspect(AnalyzedSnapshot analyzed) =>
        SuspectsReport.Create(analyzed).Suspects.Single(s => s.RootName == KeptField);

    [Fact]
    public void Ctrl_C_ends_the_window_and_the_snapshot_is_written_with_nothing_else()
    {
        Assert.True(capture.ExitCode == 0, $"exit {capture.ExitCode}: {capture.Error}");
        Assert.Contains("Wrote " + capture.SnapshotPath, capture.Output);
        Assert.Contains("(ended early by a signal)", capture.Output);
        Assert.Contains("carry their allocation stacks", capture.Output);
        // The trace and the walk's stream had no name: only the two snapshots are left.
        Assert.Equal([capture.SnapshotPath, capture.BasePath], Directory.GetFiles(capture.Directory).Order());
    }

    [Fact]
    public void At_least_97_percent_of_the_sampled_kept_arrays_are_attributed_to_the_keeping_line()
    {
        var origins = KeptSuspect(Analyzed).AllocatedAt;
        Assert.NotNull(origins);
        var top = origins.Sites[0];
        Assert.Equal(Keep, top.Function);
        Assert.True(top.Samples >= 0.97 * origins.Samples, $"{top.Samples} of {origins.Samples} sampled kept arrays at {Keep}");
        // The line the snapshot names holds the allocation, read from the source file itself.
        string line = File.ReadAllLines(top.File!)[top.Line - 1];
        Assert.Contains(KeepLine, line);
    }

    [Fact]
    public void The_estimated_kept_arrays_are_within_15_percent_of_what_the_target_kept()
    {
        var origins = KeptSuspect(Analyzed).AllocatedAt!;
        long atKeep = origins.Sites.Single(s => s.Function == Keep).Objects;
        Assert.True(Math.Abs(atKeep - capture.Kept) <= Tolerance * capture.Kept,
            $"estimated {atKeep:N0} kept arrays, the target kept {capture.Kept:N0} ({(atKeep - capture.Kept) * 100.0 / capture.Kept:+0.0;-0.0}%)");
        long bytes = origins.Sites.Single(s => s.Function == Keep).Bytes;
        Assert.True(Math.Abs(bytes - capture.KeptBytes) <= Tolerance * capture.KeptBytes, $"estimated {bytes:N0} bytes, kept {capture.KeptBytes:N0}");
    }

    [Fact]
    public void Every_sampled_object_of_the_group_is_a_kept_array_of_the_list()
    {
        var analyzed = Analyzed;
        var (snapshot, tree) = analyzed;
        var sites = snapshot.Allocations!;
        int arrays = Array.IndexOf(snapshot.TypeNames, "System.Byte[]");
        long inList = 0;
        foreach (int node in sites.Nodes)
        {
            if (snapshot.TypeIndex[node] != arrays || snapshot.SizeOf(node) != 1024)
                continue;
            int holder = tree.ImmediateDominator[node];
            // The list's array (not Keeper.Recent, a small byte[][] of dropped arrays).
            if (holder >= 0 && snapshot.TypeNameOf(holder) == "System.Byte[][]" && tree.RetainedSize[holder] > capture.KeptBytes / 2)
                inList++;
        }
        // The sampled survivors are the kept arrays: the list holds them, and the group counts exactly them.
        Assert.Equal(inList, KeptSuspect(analyzed).AllocatedAt!.Samples);
        Assert.True(sites.Count <= sites.Window.Tracked && sites.Window.Tracked <= sites.Window.Samples);
    }

    [Fact]
    public void Suspects_paths_and_diff_by_retainer_name_the_line_in_text_and_json()
    {
        var (exit, output, error) = ChildProcess.RunHeapLens("suspects", capture.SnapshotPath);
        Assert.True(exit == 0, error);
        Assert.Contains("allocated in the ", output);
        Assert.Matches(@"\d+\.\d% at Keeper\.cs:\d+ AllocTarget\.Keeper\.Keep", output);

        (exit, output, error) = ChildProcess.RunHeapLens("paths", capture.SnapshotPath, "--type", "System.Byte[]", "-n", "1", "--format", "json");
        Assert.True(exit == 0, error);
        using (var json = JsonDocument.Parse(output))
            Assert.Equal(Keep, json.RootElement.GetProperty("allocatedAt").GetProperty("sites")[0].GetProperty("function").GetString());

        (exit, output, error) = ChildProcess.RunHeapLens("diff", capture.BasePath, capture.SnapshotPath, "--by", "retainer", "--format", "json");
        Assert.True(exit == 0, error);
        using (var json = JsonDocument.Parse(output))
        {
            var row = json.RootElement.GetProperty("retainers").EnumerateArray()
                .Single(r => r.TryGetProperty("rootName", out var name) && name.GetString() == KeptField);
            Assert.True(row.GetProperty("accumulates").GetProperty("deltaCount").GetInt64() == capture.Kept);
            Assert.Equal(Keep, row.GetProperty("allocatedAt").GetProperty("sites")[0].GetProperty("function").GetString());
        }
        (exit, output, error) = ChildProcess.RunHeapLens("diff", capture.BasePath, capture.SnapshotPath, "--by", "retainer");
        Assert.True(exit == 0, error);
        Assert.Matches(@$"static {KeptField.Replace(".", @"\.")} .*: \+{capture.Kept:N0} System\.Byte\[\], allocated at Keeper\.cs:\d+ AllocTarget\.Keeper\.Keep \(\d+\.\d%\)", output);
    }

    [Fact]
    public void A_plain_snapshot_says_nothing_of_allocations()
    {
        var analyzed = AnalyzedSnapshot.Analyze(HeapSnapFile.Read(capture.BasePath));
        Assert.Null(analyzed.Snapshot.Allocations);
        Assert.All(SuspectsReport.Create(analyzed).Suspects, s => Assert.Null(s.AllocatedAt));
        var (exit, output, error) = ChildProcess.RunHeapLens("suspects", capture.BasePath, "--format", "json");
        Assert.True(exit == 0, error);
        Assert.DoesNotContain("allocatedAt", output);
        (exit, output, error) = ChildProcess.RunHeapLens("info", capture.BasePath);
        Assert.True(exit == 0, error);
        Assert.DoesNotContain("Allocations:", output);
    }

    [Fact]
    public void Info_tells_the_window_and_the_sampled_objects_the_file_holds()
    {
        var sites = HeapSnapFile.Read(capture.SnapshotPath).Allocations!;
        var (exit, output, error) = ChildProcess.RunHeapLens("info", capture.SnapshotPath);
        Assert.True(exit == 0, error);
        Assert.Contains($"sampled {sites.Window.Samples:N0}; {sites.Count:N0} of them are here with their allocation stacks", output);
    }
}

/// <summary>Faults of `snapshot --allocs`: bad options, and a target that exits during the window.</summary>
public sealed class SnapshotAllocsFaultTests
{
    [Fact]
    public async Task A_target_that_exits_during_the_window_leaves_no_file_and_one_line()
    {
        string directory = Directory.CreateTempSubdirectory("heaplens-snapallocs-exit-").FullName;
        try
        {
            string path = Path.Combine(directory, "never.heapsnap");
            using var target = ChildProcess.StartDll("AllocTarget.dll", "keep", "100", "10");
            await target.WaitForLineAsync("ready", TimeSpan.FromSeconds(30));
            using var heaplens = ChildProcess.StartDll("heaplens.dll", "snapshot", "-p", $"{target.Id}", "-o", path, "--allocs", "5m");
            Infrastructure.RawTrace.WaitFor(heaplens.Id, 1, TimeSpan.FromSeconds(60));
            target.CloseInput(); // AllocTarget exits at the end of its input
            int exit = heaplens.WaitForExit(TimeSpan.FromMinutes(2));
            Assert.Equal(1, exit);
            string error = heaplens.StandardError.Trim();
            Assert.Equal($"heaplens: process {target.Id} exited during the allocation window; no snapshot written", error);
            Assert.Empty(Directory.GetFileSystemEntries(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("NaN", "--allocs: 'NaN' is not a duration")]
    [InlineData("-3s", "--allocs: '-3s' is not a duration")]
    public void A_bad_window_is_refused_before_the_target_is_touched(string window, string message)
    {
        var (exit, output, error) = ChildProcess.RunHeapLens("snapshot", "-p", $"{Environment.ProcessId}", "--allocs", window, "-o", "/tmp/never.heapsnap");
        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.StartsWith("heaplens: " + message, error.Trim());
        Assert.False(File.Exists("/tmp/never.heapsnap"));
    }
}
