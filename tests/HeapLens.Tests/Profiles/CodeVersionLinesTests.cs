using System.Text.RegularExpressions;
using HeapLens.Formats.Pprof;
using HeapLens.Profiles;
using Xunit;

using HeapLens.Tests.Infrastructure;

namespace HeapLens.Tests.Profiles;

/// <summary>
/// A method entered once that loops forever runs first as tier-0 code, then as its on-stack
/// replacement (OSR) version: two code versions of one method, with their own IL-to-native maps.
/// Every sample must land on the allocating line, under one function, whether the loop was
/// replaced before the session started (rundown describes both versions) or during it (JIT events).
/// </summary>
public sealed class CodeVersionLinesTests
{
    private const string Loop = "AllocTarget.Forever.AllocForever";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Every_sample_of_a_replaced_loop_is_on_its_source_line(bool replacedBeforeTheSession)
    {
        string directory = Directory.CreateTempSubdirectory("heaplens-osr-").FullName;
        try
        {
            string profilePath = Path.Combine(directory, "loop.pb.gz");
            using var target = ChildProcess.StartDll("AllocTarget.dll", "forever");
            await target.WaitForLineAsync("waiting", TimeSpan.FromSeconds(30));
            if (replacedBeforeTheSession)
            {
                target.WriteLine("go");
                await target.WaitForLineAsync("ready", TimeSpan.FromSeconds(30));
            }
            using var heaplens = ChildProcess.StartDll("heaplens.dll", "allocs", "-p", $"{target.Id}", "-o", profilePath, "--duration", "3s");
            if (!replacedBeforeTheSession)
            {
                RawTrace.WaitFor(heaplens.Id, 1, TimeSpan.FromSeconds(60));
                target.WriteLine("go");
            }
            int exitCode = heaplens.WaitForExit(TimeSpan.FromMinutes(2));
            Assert.True(exitCode == 0, $"exit {exitCode}: {heaplens.StandardError}");

            var profile = PprofFile.Load(profilePath);
            var function = Assert.Single(profile.Functions, f => f.Name == Loop);
            Assert.EndsWith("Forever.cs", function.FileName);
            long allocatingLine = Array.FindIndex(File.ReadAllLines(function.FileName), l => l.Contains("new byte[100]")) + 1;
            var lines = FunctionLines.Compute(new ProfileIndex(profile), new Regex("^" + Regex.Escape(Loop) + "$")).Single();
            var line = Assert.Single(lines.Lines);
            Assert.Equal(allocatingLine, line.Line);
            Assert.Equal(lines.Totals, line.Values);
            Assert.True(line.Values[0] > 0);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
