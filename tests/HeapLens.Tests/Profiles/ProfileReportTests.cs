using Xunit;
using System.Text.Json;
using System.Text.RegularExpressions;
using HeapLens.Cli.Commands;
using HeapLens.Cli.Infrastructure;
using HeapLens.Cli.Reports;
using HeapLens.Formats.Pprof;
using HeapLens.Profiles;
using Spectre.Console;
using Profile = HeapLens.Profiles.Profile;

namespace HeapLens.Tests.Profiles;

/// <summary>
/// The text reports against golden files (Profiles/Golden/*.txt), like pprof's report tests.
/// Set HEAPLENS_UPDATE_GOLDEN=1 to rewrite them after an intended change, then review the diff.
/// </summary>
[Collection(ConsoleOutput.Name)]
public sealed class ProfileReportTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("heaplens-reports-").FullName;
    private readonly Profile _profile = PprofFormatTests.SmallProfile();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Top_flat() => AssertGolden("top-flat.txt", console =>
        ProfileTopReport.Write(console, "small.pb.gz", _profile,
            FunctionTotals.Compute(new ProfileIndex(_profile), null, byCum: false), 20));

    [Fact]
    public void Top_cum_objects() => AssertGolden("top-cum-objects.txt", console =>
        ProfileTopReport.Write(console, "small.pb.gz", _profile,
            FunctionTotals.Compute(new ProfileIndex(_profile), "alloc_objects", byCum: true), 2));

    [Fact]
    public void Traces() => AssertGolden("traces.txt", console =>
        ProfileTracesReport.Write(console, "small.pb.gz", _profile, StackTotals.Heaviest(new ProfileIndex(_profile), null, 10)));

    [Fact]
    public void List_without_the_source_file() => AssertGolden("list-no-source.txt", console =>
        ProfileListReport.Write(console, _profile, FunctionLines.Compute(new ProfileIndex(_profile), new Regex("Worker"))));

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
        console.Profile.Width = 160;
        write(console);
        string actual = string.Join('\n', writer.ToString().ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd()));
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
