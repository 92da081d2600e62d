using HeapLens.Cli.Infrastructure;
using HeapLens.Formats.HeapSnap;
using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Hostile;

/// <summary>One option vocabulary: one duration parser, one --rows, one --sample, one trend option set, choices shown as typed; every value checked.</summary>
public sealed class OptionVocabularyTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("1m30s", 90)]
    [InlineData("1h30m", 5400)]
    [InlineData("1d", 86400)]
    [InlineData("1.5m", 90)]
    [InlineData("2.5", 2.5)]
    [InlineData("250ms", 0.25)]
    [InlineData("00:01:30", 90)]
    [InlineData("366d", 366 * 86400)]
    public void One_parser_reads_every_form(string text, double seconds) =>
        Assert.Equal(seconds, DurationParser.Parse(text, "--duration").TotalSeconds, 6);

    [Theory]
    [InlineData("1e300")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("99999999h")]
    [InlineData("367d")]
    [InlineData("-1")]
    [InlineData("-00:01:00")]
    [InlineData("0")]
    [InlineData("0s")]
    [InlineData("")]
    [InlineData("1m30")]
    public void Values_that_are_not_a_bounded_positive_duration_are_refused(string text)
    {
        var error = Assert.Throws<HeapLensException>(() => DurationParser.Parse(text, "--duration"));
        Assert.StartsWith("--duration: '" + text + "' is not a duration above 0 up to 366 days", error.Message);
        Assert.False(DurationParser.TryParse(text, out _));
    }

    [Fact]
    public void Zero_is_a_duration_only_where_it_means_something() =>
        Assert.Equal(TimeSpan.Zero, DurationParser.Parse("0", "--warmup", allowZero: true));

    [Theory]
    [InlineData("1e300")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("99999999h")]
    public void Allocs_refuses_an_unbounded_duration_in_one_line(string duration)
    {
        var result = HeapLensCli.Run("allocs", "-p", "1", "--duration", duration);
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"heaplens: --duration: '{duration}' is not a duration", result.StandardError);
    }

    [Fact]
    public void Monitor_takes_the_same_durations_as_allocs()
    {
        // Options are checked before attaching, so a missing process is the first complaint.
        var result = HeapLensCli.Run("monitor", "-p", "2147483646", "--duration", "1m30s", "--warmup", "1m30s", "--window", "2h30m");
        Assert.NotEqual(0, result.ExitCode);
        Assert.DoesNotContain("is not a duration", result.StandardError);
        Assert.Contains("2147483646", result.StandardError);
    }

    [Fact]
    public void Trend_takes_composite_durations_and_shares_monitors_trend_options()
    {
        string timeline = Path.Combine(AppContext.BaseDirectory, "Monitoring", "testdata", "flat.timeline.jsonl");
        var result = HeapLensCli.Run("trend", timeline, "--warmup", "0m5s", "--window", "1h30m", "--no-chart");
        Assert.True(result.ExitCode == 0, result.StandardError);

        string trendHelp = HeapLensCli.Run("trend", "--help").StandardOutput;
        string monitorHelp = HeapLensCli.Run("monitor", "--help").StandardOutput;
        foreach (string option in new[] { "--warmup", "--window" })
            Assert.Equal(HelpLine(monitorHelp, option), HelpLine(trendHelp, option));
    }

    [Fact]
    public void Dominators_refuses_a_min_percent_of_nan()
    {
        var result = HeapLensCli.Run("dominators", "x.heapsnap", "--min-percent", "NaN");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("heaplens: --min-percent must be between 0 and 100\n", result.StandardError);
    }

    [Fact]
    public void Traces_takes_rows_like_every_report_and_refuses_a_snapshot()
    {
        var profile = CraftedProfiles.Build();
        profile.Locations.Add(new HeapLens.Profiles.Location { Id = 3, Address = 0x3000 });
        profile.Samples.Add(new HeapLens.Profiles.Sample { LocationIds = [3], Values = [1, 16] });
        string path = _directory.File("p.pb.gz");
        File.WriteAllBytes(path, CraftedProfiles.Gzipped(profile));

        foreach (string rows in new[] { "-n", "--rows" })
        {
            var result = HeapLensCli.Run("traces", path, rows, "1", "--format", "json");
            Assert.True(result.ExitCode == 0, result.StandardError);
            using var json = System.Text.Json.JsonDocument.Parse(result.StandardOutput);
            Assert.Equal(1, json.RootElement.GetProperty("traces").GetArrayLength());
        }
        Assert.Equal("heaplens: --rows must be a positive number\n", HeapLensCli.Run("traces", path, "--rows", "0").StandardError);

        string snapshot = _directory.File("s.heapsnap");
        HeapSnapFile.Write(SnapshotSections.Small(), snapshot);
        foreach (string command in new[] { "traces", "list" })
        {
            var result = HeapLensCli.Run(command == "list" ? [command, snapshot, "App"] : [command, snapshot]);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains(": not an allocation profile: it is a heap snapshot", result.StandardError);
        }
    }

    [Theory]
    [InlineData("top", "--format <text|json>")]
    [InlineData("top", "--by <shallow|retained|count>")]
    [InlineData("diff", "--by <type|retainer|function|line|stack>")]
    [InlineData("diff", "--sort <shallow|retained|count>")]
    [InlineData("traces", "-n, --rows <rows>")]
    [InlineData("traces", "--sample <type>")]
    [InlineData("top", "--sample <type>")]
    public void Help_shows_choices_as_they_are_typed(string command, string expected) =>
        Assert.Contains(expected, HeapLensCli.Run(command, "--help").StandardOutput);

    /// <summary>
    /// Every command's help, the commands read from the root's help (so a new command is covered):
    /// choices and defaults appear as they are typed, never as the enum's name ("Text", "Shallow").
    /// </summary>
    [Fact]
    public void No_help_shows_a_capitalized_choice_or_default()
    {
        string rootHelp = HeapLensCli.Run("--help").StandardOutput;
        var commands = rootHelp[rootHelp.IndexOf("Commands:", StringComparison.Ordinal)..].Split('\n').Skip(1)
            .Select(line => line.Trim().Split(' ')[0]).Where(name => name.Length > 0).ToList();
        Assert.Contains("top", commands);
        Assert.Contains("diff", commands);
        Assert.True(commands.Count >= 15, string.Join(", ", commands));
        foreach (string command in commands.Prepend(""))
        {
            var result = command.Length == 0 ? HeapLensCli.Run("--help") : HeapLensCli.Run(command, "--help");
            Assert.True(result.ExitCode == 0, $"{command} --help: {result.StandardError}");
            Assert.Contains("Usage:", result.StandardOutput);
            var capitalized = System.Text.RegularExpressions.Regex.Matches(result.StandardOutput, @"\[default:\s+[A-Z][^\]]*\]|<[^<>]*\|[^<>]*>")
                .Select(m => m.Value).Where(text => text.StartsWith('[') || text.Any(char.IsUpper)).ToList();
            Assert.True(capitalized.Count == 0, $"heaplens {command} --help shows {string.Join(", ", capitalized)}");
        }
        Assert.Contains("[default: shallow]", HeapLensCli.Run("top", "--help").StandardOutput);
        Assert.Contains("[default: text]", HeapLensCli.Run("top", "--help").StandardOutput);
    }

    private static string HelpLine(string help, string option) =>
        System.Text.RegularExpressions.Regex.Replace(
            help.Split('\n').Single(line => line.TrimStart().StartsWith(option + " ", StringComparison.Ordinal)).Trim(), @"\s+", " ");
}
