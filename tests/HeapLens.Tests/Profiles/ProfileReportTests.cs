using Xunit;
using System.Text.Json;
using System.Text.RegularExpressions;
using HeapLens.Cli.Commands;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Views;
using HeapLens.Collection;
using HeapLens.Formats.Pprof;
using HeapLens.Profiles;
using HeapLens.Reports;
using Spectre.Console;
using Profile = HeapLens.Profiles.Profile;

namespace HeapLens.Tests.Profiles;

/// <summary>
/// The profile reports against golden files (Profiles/Golden/*.txt for the text view, *.json for the
/// model itself), like pprof's report tests. Set HEAPLENS_UPDATE_GOLDEN=1 to rewrite them after an
/// intended change, then review the diff.
/// </summary>
[Collection(ConsoleOutput.Name)]
public sealed class ProfileReportTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("heaplens-reports-").FullName;
    private readonly Profile _profile = PprofFormatTests.SmallProfile();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // Worker.cs as the PDB of the small profile would point to it: line 42 allocates.
    private static readonly string[] WorkerSource = Enumerable.Range(1, 50)
        .Select(i => i == 42 ? "        var text = new string('x', 10);   " : $"        // line {i}").ToArray();

    private ProfileTopReport TopFlat() => ProfileTopReport.Create("small.pb.gz", _profile, null, byCum: false, rows: 20);

    private ProfileTracesReport Traces10() => ProfileTracesReport.Create("small.pb.gz", _profile, null, 10);

    private ProfileListReport ListWorker(bool withSource) => ProfileListReport.Create("small.pb.gz", _profile, new Regex("Worker"),
        file => withSource && file == "/src/Worker.cs" ? WorkerSource : null);

    [Fact]
    public void Top_flat() => AssertGolden("top-flat.txt", console => ProfileTopView.Write(TopFlat(), console));

    [Fact]
    public void Top_flat_json() => AssertGolden("top-flat.json", ReportJson.Serialize(TopFlat()));

    [Fact]
    public void Top_cum_objects() => AssertGolden("top-cum-objects.txt", console =>
        ProfileTopView.Write(ProfileTopReport.Create("small.pb.gz", _profile, "alloc_objects", byCum: true, rows: 2), console));

    [Fact]
    public void Traces() => AssertGolden("traces.txt", console => ProfileTracesView.Write(Traces10(), console));

    [Fact]
    public void Traces_json() => AssertGolden("traces.json", ReportJson.Serialize(Traces10()));

    [Fact]
    public void List_without_the_source_file() => AssertGolden("list-no-source.txt", console =>
        ProfileListView.Write(ListWorker(withSource: false), console));

    [Fact]
    public void List_with_the_source_file_shows_the_lines_around_the_allocations() => AssertGolden("list-source.txt", console =>
        ProfileListView.Write(ListWorker(withSource: true), console));

    [Fact]
    public void List_json_carries_the_source_lines_it_shows()
    {
        var report = ListWorker(withSource: true);
        var worker = Assert.Single(report.Functions);
        Assert.True(worker.SourceFound);
        // Four lines of context on each side of line 42, trimmed, as the text view shows them.
        Assert.Equal(Enumerable.Range(38, 9).Select(i => (long)i), worker.Source!.Select(l => l.Line));
        Assert.Equal("        var text = new string('x', 10);", worker.Source!.Single(l => l.Line == 42).Text);
        AssertGolden("list-source.json", ReportJson.Serialize(report));
    }

    [Fact]
    public void List_refuses_a_pattern_that_matches_no_allocating_function()
    {
        var e = Assert.Throws<HeapLensException>(() => ProfileListReport.Create("small.pb.gz", _profile, new Regex("Nobody")));
        Assert.Equal("no function with allocations matches 'Nobody'", e.Message);
    }

    [Fact]
    public void Allocs_summary_says_what_makes_the_estimates_incomplete()
    {
        var conversion = new AllocationConversion(_profile, AllocationEventKind.AllocationTick, Samples: 3, EventsLost: 1234, HasRundown: false);
        var report = AllocsReport.Create(conversion, "/tmp/out.pb.gz", targetExited: true);
        Assert.Equal(6500, report.EstimatedObjects);
        Assert.Equal(307200, report.EstimatedBytes);
        Assert.Equal(30.0, report.DurationSeconds);
        AssertGolden("allocs-biased.txt", console => AllocsView.Write(report, console));
        AssertGolden("allocs-biased.json", ReportJson.Serialize(report));
    }

    [Fact]
    public void Ps_json_is_the_bare_array_of_processes()
    {
        var report = ProcessListReport.Create([new DotNetProcess(42, "Svc", "dotnet Svc.dll")]);
        Assert.Equal("""
            [
              {
                "pid": 42,
                "name": "Svc",
                "commandLine": "dotnet Svc.dll"
              }
            ]
            """, ReportJson.Serialize(report).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Top_numbers_add_up()
    {
        var totals = FunctionTotals.Compute(new ProfileIndex(_profile), "alloc_space", byCum: false);
        Assert.Equal(307200, totals.Total);
        Assert.Equal(totals.Total, totals.Functions.Sum(f => f.Flat)); // every sample has exactly one leaf
        Assert.Equal(totals.Total, totals.Functions.Single(f => f.Name == "App.Program.Main").Cum);
        Assert.Equal(204800, totals.Functions.Single(f => f.Name == "App.Worker.Run").Cum);
    }

    [Fact]
    public void ProfileTop_Run_writes_json_with_exact_values()
    {
        string path = Path.Combine(_directory, "small.pb.gz");
        PprofFile.Save(_profile, path);
        string json = ConsoleOutput.Capture(() => ProfileTop.Run(path, "alloc_objects", cum: false, rows: 20, OutputFormat.Json));
        using var document = JsonDocument.Parse(json);
        var functions = document.RootElement.GetProperty("functions").EnumerateArray().ToList();
        Assert.Equal("System.String", functions[0].GetProperty("name").GetString());
        Assert.Equal(6400, functions[0].GetProperty("flat").GetInt64());
        Assert.Equal(6500, document.RootElement.GetProperty("total").GetInt64());
        Assert.Equal(100.0, functions[^1].GetProperty("sumPercent").GetDouble());
    }

    [Fact]
    public void ProfileTop_Run_rejects_an_unknown_sample_type()
    {
        string path = Path.Combine(_directory, "small.pb.gz");
        PprofFile.Save(_profile, path);
        var e = Assert.Throws<HeapLensException>(() => ProfileTop.Run(path, "inuse_space", false, 20, OutputFormat.Text));
        Assert.Contains("alloc_objects, alloc_space", e.Message);
    }

    [Fact]
    public void List_and_traces_fail_cleanly_on_a_file_that_is_not_a_profile()
    {
        string path = Path.Combine(_directory, "not.pb.gz");
        File.WriteAllText(path, "HEAPSNAP and then some");
        foreach (var args in new[] { new[] { "list", path, "." }, new[] { "traces", path } })
        {
            var (exit, _, stderr) = ChildProcess.RunHeapLens(args);
            Assert.Equal(1, exit);
            Assert.StartsWith($"heaplens: {path}: not", stderr);
            Assert.Single(stderr.TrimEnd().Split('\n'));
        }
    }

    private static void AssertGolden(string name, Action<IAnsiConsole> write)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
        });
        console.Profile.Width = 4096; // as when piped: no wrapping
        write(console);
        AssertGolden(name, writer.ToString());
    }

    private static void AssertGolden(string name, string output)
    {
        string actual = string.Join('\n', output.ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd()));
        string source = Path.Combine(SourceDirectory(), "Golden", name);
        if (Environment.GetEnvironmentVariable("HEAPLENS_UPDATE_GOLDEN") == "1")
            File.WriteAllText(source, actual);
        string expected = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Profiles", "Golden", name)).ReplaceLineEndings("\n");
        Assert.Equal(expected, actual);
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Path.GetDirectoryName(path)!;
}

/// <summary>Tests that redirect Console.Out run one at a time, outside the parallel collections.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleOutput
{
    public const string Name = "Console output";

    public static string Capture(Action write)
    {
        var original = Console.Out;
        var writer = new StringWriter();
        Console.SetOut(writer);
        try
        {
            write();
        }
        finally
        {
            Console.SetOut(original);
        }
        return writer.ToString();
    }
}
