using System.Runtime.CompilerServices;
using HeapLens.Reports;
using Spectre.Console;
using Xunit;

namespace HeapLens.Tests.Infrastructure;

/// <summary>
/// Reports against golden files, like pprof's driver tests. A golden's path is relative to the test
/// project (e.g. "Reports/Golden/top.txt"); the project copies golden folders next to the tests.
/// Set HEAPLENS_UPDATE_GOLDEN=1 to rewrite the goldens in the source tree after an intended change,
/// then rebuild, rerun and review the diff. Even when updating, the comparison is against the copy
/// built into bin, never against the file just written: an update run cannot pass on its own output.
/// </summary>
public static class Golden
{
    public const string UpdateVariable = "HEAPLENS_UPDATE_GOLDEN";

    public static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    /// <summary>What a text view writes, on a 160-column console without colours, trailing spaces trimmed.</summary>
    public static string Render(Action<IAnsiConsole> write)
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
        return Normalize(writer.ToString());
    }

    /// <summary>A report's text view against a golden .txt file.</summary>
    public static void AssertText(string relativePath, Action<IAnsiConsole> write) => AssertMatches((relativePath, Render(write)));

    /// <summary>A report model's JSON (what `--format json` prints) against a golden .json file.</summary>
    public static void AssertJson<T>(string relativePath, T report) => AssertMatches((relativePath, Json(report)));

    /// <summary>A report's text view and its JSON against two golden files, both rewritten before either is compared.</summary>
    public static void AssertTextAndJson<T>(string relativePathWithoutExtension, T report, Action<T, IAnsiConsole> view) =>
        AssertMatches(
            (relativePathWithoutExtension + ".txt", Render(console => view(report, console))),
            (relativePathWithoutExtension + ".json", Json(report)));

    public static string Json<T>(T report) => Normalize(ReportJson.Serialize(report));

    /// <summary>Outputs against their golden files; when updating, every golden is rewritten first.</summary>
    public static void AssertMatches(params (string RelativePath, string Actual)[] goldens)
    {
        if (Updating)
        {
            foreach (var (relativePath, actual) in goldens)
            {
                string source = Path.Combine(ProjectDirectory(), relativePath);
                Directory.CreateDirectory(Path.GetDirectoryName(source)!);
                File.WriteAllText(source, actual);
            }
        }
        foreach (var (relativePath, actual) in goldens)
        {
            string built = Path.Combine(AppContext.BaseDirectory, relativePath);
            Assert.True(File.Exists(built), $"no golden file {relativePath} in the build output: run with {UpdateVariable}=1, rebuild, rerun");
            Assert.Equal(Normalize(File.ReadAllText(built)), actual);
        }
    }

    // Spectre pads table rows to the widest cell: the padding is not part of the report.
    private static string Normalize(string text) =>
        string.Join('\n', text.ReplaceLineEndings("\n").Split('\n').Select(line => line.TrimEnd())).TrimEnd() + "\n";

    private static string ProjectDirectory([CallerFilePath] string path = "") =>
        Path.GetDirectoryName(Path.GetDirectoryName(path))!;
}
