using System.Text.Json;
using System.Text.RegularExpressions;
using HeapLens.Cli.Views;
using HeapLens.Formats.Pprof;
using HeapLens.Profiles;
using HeapLens.Reports;
using HeapLens.Tests.Infrastructure;
using Xunit;
using Profile = HeapLens.Profiles.Profile;

namespace HeapLens.Tests.Profiles;

/// <summary>
/// Profile diffs on crafted profiles whose changes are known by construction (<see cref="CraftedDiffProfiles"/>):
/// exact numbers, golden text and JSON, pprof's -base and -normalize semantics, time units, bad input.
/// </summary>
public sealed class ProfileDiffTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static ProfilePair Pair(bool normalize = false) =>
        ProfilePair.Create("base.pb.gz", CraftedDiffProfiles.Base(), "new.pb.gz", CraftedDiffProfiles.New(), normalize);

    private static ProfileDiffReport Diff(ProfileGrouping by, string? type = "alloc_space", bool cum = false) =>
        ProfileDiffReport.Create(Pair(), type, by, cum, rows: 100);

    [Fact]
    public void By_function_gives_flat_and_cum_of_both_sides_sorted_by_absolute_change()
    {
        var report = Diff(ProfileGrouping.Function);
        Assert.Equal(358400, report.Base.Total);
        Assert.Equal(450560, report.New.Total);
        Assert.Equal(92160, report.Change);
        var rows = report.Rows.Select(r => (r.Name, r.Status, r.BaseFlat, r.NewFlat, r.DeltaFlat, r.BaseCum, r.NewCum, r.DeltaCum)).ToList();
        Assert.Equal(
        [
            ("System.String", ProfileChangeStatus.Changed, 204800, 307200, 102400, 204800, 307200, 102400),
            ("System.Int32[]", ProfileChangeStatus.Vanished, 51200, 0, -51200, 51200, 0, -51200),
            ("System.Collections.Generic.List<System.Int32>", ProfileChangeStatus.New, 0, 40960, 40960, 0, 40960, 40960),
            ("App.Worker.Run", ProfileChangeStatus.Changed, 0, 0, 0, 204800, 307200, 102400),
            ("App.Program.Main", ProfileChangeStatus.Changed, 0, 0, 0, 358400, 450560, 92160),
            ("App.Old.Gone", ProfileChangeStatus.Vanished, 0, 0, 0, 51200, 0, -51200),
            ("App.Fresh.Make", ProfileChangeStatus.New, 0, 0, 0, 0, 40960, 40960),
            ("System.Byte[]", ProfileChangeStatus.Unchanged, 102400, 102400, 0, 102400, 102400, 0),
        ], rows);
        Assert.Equal(8, report.RowCount);
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public void By_function_text_and_json() =>
        Golden.AssertTextAndJson("Profiles/Golden/diff-function", Diff(ProfileGrouping.Function), ProfileDiffView.Write);

    [Fact]
    public void By_line_gives_flat_to_the_innermost_known_line_and_cum_to_every_line()
    {
        var report = Diff(ProfileGrouping.Line, cum: true);
        var rows = report.Rows.Select(r => ($"{Path.GetFileName(r.File)}:{r.Line}", r.Name, r.Status, r.DeltaFlat, r.BaseCum, r.NewCum)).ToList();
        Assert.Equal(
        [
            ("Worker.cs:42", "App.Worker.Run", ProfileChangeStatus.Changed, 102400, 204800, 307200),
            ("Program.cs:10", "App.Program.Main", ProfileChangeStatus.Changed, 0, 358400, 450560),
            ("Old.cs:7", "App.Old.Gone", ProfileChangeStatus.Vanished, -51200, 51200, 0),
            ("Fresh.cs:5", "App.Fresh.Make", ProfileChangeStatus.New, 40960, 0, 40960),
        ], rows);
        Golden.AssertText("Profiles/Golden/diff-line.txt", console => ProfileDiffView.Write(report, console));
    }

    [Fact]
    public void By_stack_compares_whole_stacks_in_objects()
    {
        var report = Diff(ProfileGrouping.Stack, "alloc_objects");
        Assert.Equal("alloc_objects", report.SampleType);
        var rows = report.Rows.Select(r => (string.Join(" <- ", r.Frames!.Select(f => f.Function)), r.Status, r.BaseFlat, r.NewFlat, r.DeltaFlat)).ToList();
        Assert.Equal(
        [
            ("System.String <- App.Worker.Run <- App.Program.Main", ProfileChangeStatus.Changed, 6400, 9600, 3200),
            ("System.Int32[] <- App.Old.Gone <- App.Program.Main", ProfileChangeStatus.Vanished, 50, 0, -50),
            ("System.Collections.Generic.List<System.Int32> <- App.Fresh.Make <- App.Program.Main", ProfileChangeStatus.New, 0, 10, 10),
            ("System.Byte[] <- App.Program.Main", ProfileChangeStatus.Unchanged, 100, 100, 0),
        ], rows);
        Golden.AssertText("Profiles/Golden/diff-stack.txt", console => ProfileDiffView.Write(report, console));
    }

    [Fact]
    public void Top_with_a_base_is_new_minus_base_with_pprofs_total_of_absolute_changes()
    {
        var report = ProfileTopReport.Create(Pair(), "alloc_space", byCum: false, rows: 20);
        // The byte arrays cancel out; what is left: +102,400 strings, -51,200 int arrays, +40,960 lists.
        Assert.Equal(102400 + 51200 + 40960, report.Total);
        var rows = report.Functions.Select(f => (f.Name, f.Flat, f.Cum)).ToList();
        Assert.Equal(("System.String", 102400L, 102400L), rows[0]);
        Assert.Equal(("System.Int32[]", -51200L, -51200L), rows[1]);
        Assert.Contains(("App.Program.Main", 0L, 92160L), rows);
        Assert.DoesNotContain(rows, r => r.Name == "System.Byte[]");
        Assert.Equal(60_000_000_000, report.DurationNanos); // durations add up, as in pprof's merge
        Assert.Equal([358400L], report.Base!.BaseTotals.Skip(1));
        Golden.AssertTextAndJson("Profiles/Golden/top-base", report, ProfileTopView.Write);
    }

    [Fact]
    public void List_and_traces_with_a_base_show_the_changes()
    {
        var list = ProfileListReport.Create(Pair(), new Regex("Worker"), _ => null);
        var worker = Assert.Single(list.Functions);
        Assert.Equal([3200L, 102400L], worker.Totals);
        Assert.Equal([3200L, 102400L], Assert.Single(worker.Lines, l => l.Line == 42).Values);
        Assert.NotNull(list.Base);

        var traces = ProfileTracesReport.Create(Pair(), "alloc_space", 10);
        Assert.Equal([102400L, -51200L, 40960L], traces.Traces.Select(t => t.Values[1]));
        Assert.Equal("App.Old.Gone", traces.Traces[1].Frames[1].Function);
        Golden.AssertText("Profiles/Golden/traces-base.txt", console => ProfileTracesView.Write(traces, console));
    }

    [Fact]
    public void Normalize_scales_the_new_profile_to_the_base_totals_rounding_each_sample_as_pprof()
    {
        var pair = Pair(normalize: true);
        double spaceRatio = 358400.0 / 450560, objectRatio = 6550.0 / 9710;
        Assert.Equal([objectRatio, spaceRatio], pair.NormalizedBy!);
        var report = ProfileDiffReport.Create(pair, "alloc_space", ProfileGrouping.Function, false, 100);
        long Scaled(long v) => (long)Math.Round(v * spaceRatio, MidpointRounding.AwayFromZero);
        var strings = report.Rows.Single(r => r.Name == "System.String");
        Assert.Equal(Scaled(307200), strings.NewFlat);
        Assert.Equal(Scaled(307200) - 204800, strings.DeltaFlat);
        Assert.Equal(Scaled(102400), report.Rows.Single(r => r.Name == "System.Byte[]").NewFlat);
        Assert.Equal(Scaled(307200) + Scaled(102400) + Scaled(40960), report.New.Total);
        Assert.Equal(spaceRatio, report.NormalizedBy);
    }

    [Fact]
    public void Go_pprof_base_and_normalize_agree_with_heaplens_on_the_crafted_files()
    {
        string a = Save("a.pb.gz", CraftedDiffProfiles.Base()), b = Save("b.pb.gz", CraftedDiffProfiles.New());
        foreach (bool normalize in new[] { false, true })
        {
            string[] extra = normalize ? ["-normalize"] : [];
            var ours = ProfileDiffReport.Create(ProfilePair.Create(a, PprofFile.Load(a), b, PprofFile.Load(b), normalize),
                "alloc_space", ProfileGrouping.Function, false, 100).Rows.ToDictionary(r => PprofTop.Shortened(r.Name));
            var theirs = PprofTop.Rows(GoPprof.Run([.. extra, "-top", "-base", a, "-sample_index=alloc_space", "-unit=b", "-nodefraction=0", b]));
            Assert.NotEmpty(theirs);
            foreach (var (name, flat, cum) in theirs)
            {
                Assert.Equal(ours[name].DeltaFlat, flat);
                Assert.Equal(ours[name].DeltaCum, cum);
            }
        }
    }

    [Fact]
    public void Go_cpu_profiles_show_time_not_raw_nanoseconds()
    {
        var top = ProfileTopReport.Create("cpu.pb.gz", CraftedDiffProfiles.GoCpu(), null, byCum: false, rows: 10);
        Assert.Equal("cpu", top.SampleType);
        Assert.Equal(80_000_000, top.Total);
        string text = Golden.Render(console => ProfileTopView.Write(top, console));
        Assert.Contains("Duration: 1s, Total: 80 ms", text);
        Assert.Matches(@"50 ms\s+62\.5%\s+62\.5%\s+80 ms\s+100\.0% main\.work", text);
        Golden.AssertText("Profiles/Golden/top-go-cpu.txt", console => ProfileTopView.Write(top, console));

        var diff = ProfileDiffReport.Create(ProfilePair.Create("cpu1.pb.gz", CraftedDiffProfiles.GoCpu(), "cpu2.pb.gz",
            CraftedDiffProfiles.GoCpu(workNanos: 1_250_000_000, mallocNanos: 10_000), false), null, ProfileGrouping.Function, true, 10);
        string diffText = Golden.Render(console => ProfileDiffView.Write(diff, console));
        Assert.Contains("Change: +1.17 s", diffText);
        Assert.Contains("-30 ms", diffText);
        Assert.Contains("+1.2 s", diffText);
        Golden.AssertText("Profiles/Golden/diff-go-cpu.txt", console => ProfileDiffView.Write(diff, console));

        // pprof reads the same profile as 80ms too.
        string cpu = Save("cpu.pb.gz", CraftedDiffProfiles.GoCpu());
        Assert.Contains("Total samples = 80ms", GoPprof.Run("-top", cpu));
    }

    [Fact]
    public void Warnings_name_other_programs_runtimes_and_unequal_durations()
    {
        var other = CraftedDiffProfiles.New();
        other.Mappings[0] = new Mapping { Id = other.Mappings[0].Id, FileName = "/app/Other.dll" };
        other.Mappings[1] = new Mapping { Id = other.Mappings[1].Id, FileName = "/usr/share/dotnet/shared/Microsoft.NETCore.App/9.0.4/System.Private.CoreLib.dll" };
        other.DurationNanos = 60_000_000_000;
        var pair = ProfilePair.Create("base.pb.gz", CraftedDiffProfiles.Base(), "new.pb.gz", other, normalize: false);
        Assert.Equal(
        [
            "the profiles come from different programs (/app/App.dll, /app/Other.dll)",
            "the profiles come from different .NET runtimes (10.0.12, 9.0.4)",
            "the profiles cover different durations (30s and 60s): --normalize scales the new profile to the base's totals, as pprof's -normalize does",
        ], pair.Warnings);
        // Asked to normalize, the durations are no longer a warning.
        Assert.Equal(2, ProfilePair.Create("base.pb.gz", CraftedDiffProfiles.Base(), "new.pb.gz", other, normalize: true).Warnings.Count);
    }

    [Fact]
    public void Different_sample_types_are_refused_naming_both_sets()
    {
        var e = Assert.Throws<HeapLensException>(() =>
            ProfilePair.Create("allocs.pb.gz", CraftedDiffProfiles.Base(), "cpu.pb.gz", CraftedDiffProfiles.GoCpu(), false));
        Assert.Equal("cannot compare allocs.pb.gz (alloc_objects (count), alloc_space (bytes)) with cpu.pb.gz (samples (count), cpu (nanoseconds)): they measure different things",
            e.Message);
    }

    [Theory]
    [InlineData("diff", "snapshot", "profile")]
    [InlineData("diff", "profile", "snapshot")]
    [InlineData("top", "snapshot", "profile")]
    [InlineData("traces", "snapshot", "profile")]
    [InlineData("diff", "profile", "cpu")]
    [InlineData("list", "cpu", "profile")]
    [InlineData("diff", "profile", "empty")]
    [InlineData("diff", "nothing", "profile")]
    [InlineData("top", "nothing", "profile")]
    public void Bad_input_is_one_line_and_exit_code_1(string command, string baseKind, string newKind)
    {
        string basePath = Make(baseKind), newPath = Make(newKind);
        string[] args = command == "diff" ? ["diff", basePath, newPath]
            : command == "list" ? [command, newPath, ".", "--base", basePath]
            : [command, newPath, "--base", basePath];
        var result = HeapLensCli.Run(args);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.StandardOutput);
        string line = Assert.Single(result.StandardError.TrimEnd().Split('\n'));
        string expected = (baseKind, newKind) switch
        {
            ("snapshot", _) or (_, "snapshot") => "heaplens: cannot compare a heap snapshot with a profile: ",
            (_, "cpu") or ("cpu", _) => "heaplens: cannot compare ",
            (_, "empty") => $"heaplens: {newPath}: the file is empty",
            _ => $"heaplens: {basePath}: not a valid pprof profile: it has no sample types",
        };
        Assert.StartsWith(expected, line);
        if (baseKind == "cpu" || newKind == "cpu")
            Assert.Contains("(alloc_objects (count), alloc_space (bytes))", line);
    }

    [Fact]
    public void The_cli_diff_prints_json_and_text_from_the_same_model()
    {
        string a = Save("a.pb.gz", CraftedDiffProfiles.Base()), b = Save("b.pb.gz", CraftedDiffProfiles.New());
        var json = HeapLensCli.Run("diff", a, b, "--by", "line", "--sample", "alloc_objects", "--format", "json");
        Assert.True(json.ExitCode == 0, json.StandardError);
        var root = JsonDocument.Parse(json.StandardOutput).RootElement;
        Assert.Equal("line", root.GetProperty("by").GetString());
        var first = root.GetProperty("rows")[0];
        Assert.Equal(3200, first.GetProperty("deltaFlat").GetInt64());
        Assert.Equal(42, first.GetProperty("line").GetInt64());
        Assert.Equal("changed", first.GetProperty("status").GetString());

        var text = HeapLensCli.Run("diff", a, b, "-n", "3");
        Assert.True(text.ExitCode == 0, text.StandardError);
        Assert.Contains("Change: +90.0 KB (+25.7% of the base)", text.StandardOutput);
        Assert.Contains("System.Int32[]  (gone)", text.StandardOutput);

        var snapshotOption = HeapLensCli.Run("diff", a, b, "--by", "retainer");
        Assert.Equal(1, snapshotOption.ExitCode);
        Assert.Contains("--by retainer is for heap snapshots", snapshotOption.StandardError);
    }

    [Theory]
    [InlineData("--normalize", "--normalize is for profiles")]
    [InlineData("--by=line", "--by line is for profiles")]
    public void Profile_options_on_snapshots_are_refused(string option, string message)
    {
        string a = Make("snapshot"), b = _directory.File("other.heapsnap");
        File.Copy(a, b);
        var result = HeapLensCli.Run("diff", a, b, option);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, Assert.Single(result.StandardError.TrimEnd().Split('\n')));
    }

    private string Make(string kind)
    {
        string path = _directory.File(kind + ".pb.gz");
        switch (kind)
        {
            case "snapshot":
                path = _directory.File("heap.heapsnap");
                File.WriteAllBytes(path, [.. "HEAPSNAP"u8, .. new byte[64]]);
                break;
            case "profile": PprofFile.Save(CraftedDiffProfiles.Base(), path); break;
            case "cpu": PprofFile.Save(CraftedDiffProfiles.GoCpu(), path); break;
            case "empty": File.WriteAllBytes(path, []); break;
            case "nothing": PprofFile.Save(new Profile(), path); break;
        }
        return path;
    }

    private string Save(string name, Profile profile)
    {
        string path = _directory.File(name);
        PprofFile.Save(profile, path);
        return path;
    }
}

/// <summary>Reads the rows of `go tool pprof -top` (with -unit=b: exact values, "B" after bytes and "b" after counts): flat and cum per function.</summary>
internal static class PprofTop
{
    private static readonly Regex Row = new(@"^\s*(-?\d+)[Bb]?\s+\S+%\s+\S+%\s+(-?\d+)[Bb]?\s+\S+%\s+(.+?)\s*$");

    /// <summary>A name as pprof prints it: pprof drops what is between angle brackets (C++ template arguments).</summary>
    public static string Shortened(string name) => Regex.Replace(name, "<.*>", "");

    /// <summary>The rows whose function name is unique in the output (pprof keeps apart same-named functions of different files).</summary>
    public static List<(string Name, long Flat, long Cum)> Rows(string top)
    {
        var rows = top.Split('\n').Select(l => Row.Match(l)).Where(m => m.Success)
            .Select(m => (Name: m.Groups[3].Value, Flat: long.Parse(m.Groups[1].Value), Cum: long.Parse(m.Groups[2].Value)))
            .ToList();
        return rows.GroupBy(r => r.Name).Where(g => g.Count() == 1).Select(g => g.Single()).ToList();
    }
}
