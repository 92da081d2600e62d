using System.Text.Json;
using System.Text.RegularExpressions;
using HeapLens.Formats.Pprof;
using HeapLens.Profiles;
using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Explain;

/// <summary>
/// `heaplens explain` on real profiles of samples/LogFormatter: each known cause on its line of
/// Formatter.cs, with the profile's allocations it accounts for; --compare with the fixed build; bad input.
/// </summary>
public sealed class ExplainCliTests(LogFormatterProfiles profiles) : IClassFixture<LogFormatterProfiles>
{
    private static string FormatterFile => Path.Combine(LogFormatterProfiles.SampleDirectory, "Formatter.cs");

    private static JsonElement Json(params string[] arguments)
    {
        var result = HeapLensCli.Run([.. arguments, "--format", "json"]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        return JsonDocument.Parse(result.StandardOutput).RootElement;
    }

    private static JsonElement Line(JsonElement report, int line) =>
        report.GetProperty("lines").EnumerateArray().Single(l =>
            l.GetProperty("file").GetString()!.EndsWith("/LogFormatter/Formatter.cs", StringComparison.Ordinal) && l.GetProperty("line").GetInt64() == line);

    private static List<JsonElement> Causes(JsonElement line, string kind) =>
        line.GetProperty("causes").EnumerateArray().Where(c => c.GetProperty("kind").GetString() == kind).ToList();

    private static IEnumerable<string> Types(JsonElement cause) => cause.GetProperty("types").EnumerateArray().Select(t => t.GetString()!);

    [Fact]
    public void Each_cause_is_on_its_line_with_the_allocations_it_accounts_for()
    {
        var report = Json("explain", profiles.Slow, "-n", "20");
        Assert.False(report.GetProperty("partial").GetBoolean());

        // 11: string head = string.Format("{0} [{1}] {2}", entry.RequestId, entry.Level, entry.Message);
        var format = Line(report, 11);
        Assert.Single(Causes(format, "string-format"));
        var boxes = Causes(format, "boxing");
        Assert.Equal([54, 71], boxes.Select(b => b.GetProperty("column").GetInt32()));
        Assert.All(boxes, b => Assert.Contains("System.Int32", Types(b)));
        Assert.All(boxes, b => Assert.True(b.GetProperty("allocSpace").GetInt64() > 0));

        // 12: string tags = Join(" ", entry.Tags[0], entry.Tags[1], entry.Tags[2]);
        var join = Assert.Single(Causes(Line(report, 12), "params-array"));
        Assert.Contains("System.String[]", Types(join));

        // 16: var big = entry.Fields.Where(f => f.Value > minLevel).Select(f => f.Key).ToList();
        var linq = Line(report, 16);
        Assert.Equal(3, Causes(linq, "linq").Count);
        var closures = Causes(linq, "closure");
        Assert.NotEmpty(closures);
        // The display class is allocated on entry to FormatEntry, where no line is: it is shown at the capture site.
        Assert.Contains(closures, c => Types(c).Any(t => t.Contains("DisplayClass")) && c.GetProperty("allocSpace").GetInt64() > 0);
        Assert.Contains("capture site", linq.GetProperty("note").GetString());
        Assert.Contains(Causes(linq, "delegate"), d => Types(d).Any(t => t.StartsWith("System.Func", StringComparison.Ordinal)));

        // 17: string shown = string.Join(",", big); the string is allocated inside string.Join.
        Assert.Contains(Causes(Line(report, 17), "callee"), c => c.GetProperty("message").GetString()!.Contains("System.String.Join"));

        // 18: return head + " " + tags + " total=" + total + " " + shown;
        Assert.Single(Causes(Line(report, 18), "string-concat"));
        Assert.Empty(Causes(Line(report, 18), "boxing"));

        // 14: foreach over IReadOnlyList<Field>: when the JIT did not remove every enumerator, the line is there.
        if (report.GetProperty("lines").EnumerateArray().Any(l => l.GetProperty("line").GetInt64() == 14))
            Assert.Single(Causes(Line(report, 14), "enumerator"));
    }

    [Fact]
    public void Text_is_in_the_compilers_form_one_cause_a_line()
    {
        var result = HeapLensCli.RunIn(LogFormatterProfiles.SampleDirectory, "explain", profiles.Slow, "--source", "LogFormatter.csproj", "-n", "5");
        Assert.True(result.ExitCode == 0, result.StandardError);
        string text = result.StandardOutput;
        Assert.True(Regex.IsMatch(text, @"(?m)^Formatter\.cs:11:54: boxing: int -> object \(argument 'arg0' of string\.Format\) \(System\.Int32, [0-9.]+ [KMG]?B, [0-9.]+% of alloc_space\); fix: "), text);
        Assert.True(Regex.IsMatch(text, @"(?m)^Formatter\.cs:12:23: params array: string\[3\] for Formatter\.Join"), text);
    }

    [Fact]
    public void The_fixed_build_drops_each_fixed_line_by_at_least_90_percent()
    {
        var report = Json("explain", "--compare", profiles.Slow, profiles.Fixed, "-n", "100");
        var rows = report.GetProperty("lines").EnumerateArray()
            .Where(l => l.GetProperty("function").GetString() == "LogFormatter.Formatter.FormatEntry")
            .ToDictionary(l => l.GetProperty("line").GetInt64());
        foreach (long line in new long[] { 11, 12, 16, 17 })
        {
            Assert.True(rows.ContainsKey(line), $"line {line} is not in the comparison");
            long before = rows[line].GetProperty("beforeSpace").GetInt64();
            long after = rows[line].GetProperty("afterSpace").GetInt64();
            Assert.True(before > 0, $"line {line} allocated nothing before the fix");
            Assert.True(after <= before / 10, $"line {line}: {before} bytes before, {after} after: less than a 90% drop");
        }
    }

    [Fact]
    public void A_profile_without_source_lines_is_one_clear_line()
    {
        using var directory = new TempDirectory();
        var builder = new AllocationProfileBuilder();
        ulong function = builder.Function("Program.Work", null, null);
        int stack = builder.Stack([builder.Location(function, 0, 0, 0x1000)]);
        builder.Add(stack, "System.String", 32, 1000, 32_000);
        PprofFile.Save(builder.Build(0, 1, 102400, []), directory.File("nolines.pb.gz"));
        var result = HeapLensCli.Run("explain", directory.File("nolines.pb.gz"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("the profile has no source lines", result.StandardError);
        Assert.Single(result.StandardError.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Sources_that_do_not_match_are_named_line_by_line_never_guessed()
    {
        using var directory = new TempDirectory();
        // Formatter.cs cut after line 15: lines 16-18 cannot be found; 11 and 12 still can.
        File.WriteAllLines(directory.File("Formatter.cs"), File.ReadLines(FormatterFile).Take(15).Append("}}"));
        File.Copy(Path.Combine(LogFormatterProfiles.SampleDirectory, "LogEntry.cs"), directory.File("LogEntry.cs"));
        var report = Json("explain", profiles.Slow, "--source", directory.Path, "-n", "5");
        Assert.True(report.GetProperty("partial").GetBoolean());
        var missing = Line(report, 16);
        Assert.False(missing.GetProperty("found").GetBoolean());
        Assert.Contains("the sources are not the ones profiled", missing.GetProperty("note").GetString());
        Assert.Empty(missing.GetProperty("causes").EnumerateArray());
        Assert.NotEmpty(Causes(Line(report, 11), "boxing"));

        // Nothing in common: an error, not an empty report.
        File.WriteAllText(directory.File("Formatter.cs"), "namespace X;\n");
        var none = HeapLensCli.Run("explain", profiles.Slow, "--source", directory.Path);
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("the sources do not match the profile", none.StandardError);
    }

    [Fact]
    public void A_project_that_does_not_load_falls_back_to_its_files_marked_partial()
    {
        using var directory = new TempDirectory();
        File.Copy(FormatterFile, directory.File("Formatter.cs"));
        File.Copy(Path.Combine(LogFormatterProfiles.SampleDirectory, "LogEntry.cs"), directory.File("LogEntry.cs"));
        File.WriteAllText(directory.File("Broken.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup>");
        var report = Json("explain", profiles.Slow, "--source", directory.File("Broken.csproj"), "-n", "3");
        Assert.True(report.GetProperty("partial").GetBoolean());
        Assert.Contains(report.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("did not load"));
        Assert.Equal(2, Causes(Line(report, 11), "boxing").Count);
    }
}
