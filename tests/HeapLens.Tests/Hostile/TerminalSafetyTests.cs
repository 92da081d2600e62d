using HeapLens.Formats.HeapSnap;
using HeapLens.Snapshots;
using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Hostile;

/// <summary>
/// Names from a crafted snapshot and a crafted profile hold ESC sequences, newlines, C1 controls and
/// bidi overrides; no report, text or JSON, may print any of them raw. Parse errors are one line.
/// </summary>
public sealed class TerminalSafetyTests : IDisposable
{
    private const string EvilType = "App.Evil\u001b[2J\u001b]0;pwned\u0007\nFake.Row 999 GB\r\u009b31m\u202Egnp.exe";
    private const string EvilRoot = "App.Program.\u001b[31mcache\u2028\u2066";

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void SafeText_escapes_controls_and_keeps_everything_else()
    {
        Assert.Equal("App.Evil\\x1B[2J\\x1B]0;pwned\\x07\\x0AFake.Row 999 GB\\x0D\\x9B31m\\u202Egnp.exe", SafeText.Of(EvilType));
        const string plain = "System.Collections.Generic.Dictionary<System.Int32, Ünïcode.名前>[]";
        Assert.Same(plain, SafeText.Of(plain));
    }

    [Fact]
    public void A_crafted_snapshot_prints_no_raw_control_character()
    {
        string path = _directory.File("evil.heapsnap");
        var snapshot = SnapshotSections.Small(typeNames: [EvilType, "App.Node", "System.Byte[]"], rootNames: [EvilRoot]);
        HeapSnapFile.Write(snapshot, path);
        var read = HeapSnapFile.Read(path);
        Assert.DoesNotContain(read.TypeNames.Concat(read.Roots.Names), name => name.Any(SafeText.IsUnsafe));

        foreach (string[] command in new string[][]
                 {
                     ["top", path], ["top", path, "--by", "retained"], ["dominators", path, "--min-percent", "0"],
                     ["paths", path, "-t", "App.Node"], ["suspects", path], ["info", path], ["diff", path, path],
                 })
        {
            foreach (string format in new[] { "text", "json" })
            {
                var result = HeapLensCli.Run([.. command, "--format", format]);
                Assert.True(result.ExitCode == 0, $"{string.Join(' ', command)}: {result.StandardError}");
                AssertSafe(result.StandardOutput, string.Join(' ', command) + " --format " + format);
            }
        }
        Assert.Contains("App.Evil\\x1B[2J", HeapLensCli.Run("top", path).StandardOutput);
    }

    [Fact]
    public void A_crafted_profile_prints_no_raw_control_character()
    {
        var profile = CraftedProfiles.Build(leafName: EvilType, leafFile: "/src/\u202Eevil\n.cs", callerName: "App\u001b[1A.Main");
        string path = _directory.File("evil.pb.gz");
        File.WriteAllBytes(path, CraftedProfiles.Gzipped(profile));

        foreach (string[] command in new string[][] { ["top", path], ["top", path, "--cum"], ["traces", path], ["list", path, "App"] })
        {
            foreach (string format in new[] { "text", "json" })
            {
                var result = HeapLensCli.Run([.. command, "--format", format]);
                Assert.True(result.ExitCode == 0, $"{string.Join(' ', command)}: {result.StandardError}");
                AssertSafe(result.StandardOutput, string.Join(' ', command) + " --format " + format);
            }
        }
    }

    [Theory]
    [InlineData("top", "--bogus")]
    [InlineData("top")]
    [InlineData("dominators", "x.heapsnap", "--depth", "many")]
    [InlineData("nosuchcommand")]
    public void A_parse_error_is_one_line_on_stderr(params string[] arguments)
    {
        var result = HeapLensCli.Run(arguments);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal("", result.StandardOutput);
        Assert.StartsWith("heaplens: ", result.StandardError);
        Assert.Equal(1, result.StandardError.Count(c => c == '\n'));
    }

    [Theory]
    [InlineData("top")]
    [InlineData("info")]
    [InlineData("dominators")]
    [InlineData("traces")]
    [InlineData("trend")]
    public async Task A_fifo_or_a_device_given_as_a_file_is_refused_without_blocking(string command)
    {
        string fifo = _directory.File(command + ".fifo");
        Assert.Equal(0, PprofLimitsTests.Mkfifo(fifo));
        foreach (string file in new[] { fifo, "/dev/zero" })
        {
            var result = await HeapLensCli.RunAsync(TimeSpan.FromMinutes(2), command, file); // a TimeoutException if it blocks
            Assert.Equal(1, result.ExitCode);
            Assert.Contains("not a regular file", result.StandardError);
            Assert.Equal(1, result.StandardError.Count(c => c == '\n'));
        }
    }

    /// <summary>Only line feeds may be raw, and no line may start with the fake row the name tried to inject.</summary>
    private static void AssertSafe(string output, string what)
    {
        foreach (char c in output)
            Assert.False(c != '\n' && SafeText.IsUnsafe(c), $"{what} printed U+{(int)c:X4} raw");
        Assert.DoesNotContain(output.Split('\n'), line => line.TrimStart().StartsWith("Fake.Row", StringComparison.Ordinal));
    }
}

/// <summary>A target names itself: its command line reaches `ps` and snapshot metadata escaped.</summary>
public sealed class ProcessNameSafetyTests
{
    [Fact]
    public void Ps_prints_a_crafted_command_line_escaped()
    {
        using var target = TargetProcess.Start("HeapLens.TestTarget.dll", "READY", "\u001b[2J\u001b]0;pwned\u0007", "\nFake 1 row");

        var result = HeapLensCli.Run("ps");

        Assert.True(result.ExitCode == 0, result.StandardError);
        string line = Assert.Single(result.StandardOutput.Split('\n'), l => l.Contains(target.Id.ToString()));
        Assert.Contains("\\x1B[2J\\x1B]0;pwned\\x07 \\x0AFake 1 row", line);
        Assert.DoesNotContain(result.StandardOutput, c => c != '\n' && SafeText.IsUnsafe(c));
    }
}
