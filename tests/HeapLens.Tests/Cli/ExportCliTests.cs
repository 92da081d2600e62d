using System.Text.RegularExpressions;
using HeapLens.Formats.HeapSnap;
using HeapLens.Tests.Infrastructure;
using HeapLens.Tests.Profiles;
using HeapLens.Tests.Reports;
using Xunit;

namespace HeapLens.Tests.Cli;

/// <summary>`heaplens export`: a snapshot's retention as pprof, read back by go tool pprof.</summary>
public class ExportCliTests
{
    [Fact]
    public void Go_pprof_reads_the_retention_and_its_cum_is_what_each_root_retains()
    {
        using var directory = new TempDirectory();
        string snapshot = directory.File("svc.heapsnap");
        string profile = directory.File("retention.pb.gz");
        HeapSnapFile.Write(ServiceHeap.After(), snapshot);
        var result = HeapLensCli.Run("export", snapshot, "-o", profile);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.StartsWith($"Wrote {profile}:", result.StandardOutput);

        string top = GoPprof.Run("-top", "-cum", "-nodecount=200", "-sample_index=inuse_objects", profile);
        // The sessions static holds the list, its array, 30 sessions and their 30 payloads (ServiceHeap.After).
        Assert.Matches(new Regex(@"^\s*0\s+0%\s+\S+\s+62\s+\S+\s+static App\.Sessions\.s_sessions$", RegexOptions.Multiline), top);
        // The chain: the list object and its 40 nodes, one run of App.Node under it.
        Assert.Matches(new Regex(@"^\s*0\s+0%\s+\S+\s+41\s+\S+\s+static App\.Chain\.s_list$", RegexOptions.Multiline), top);
        Assert.Matches(new Regex(@"^\s*40\s+\S+\s+\S+\s+40\s+\S+\s+App\.Node$", RegexOptions.Multiline), top);
        // The weakly held object is not retained by anything: not in the profile.
        Assert.DoesNotContain("App.Cached", top);
    }

    [Fact]
    public void A_missing_snapshot_is_one_line_and_no_file()
    {
        using var directory = new TempDirectory();
        string profile = directory.File("retention.pb.gz");
        var result = HeapLensCli.Run("export", directory.File("none.heapsnap"), "-o", profile);
        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(File.Exists(profile));
    }
}
