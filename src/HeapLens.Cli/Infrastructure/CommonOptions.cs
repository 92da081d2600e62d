using System.CommandLine;

namespace HeapLens.Cli.Infrastructure;

/// <summary>Arguments and options that several commands share, so that they read and check alike.</summary>
internal static class CommonOptions
{
    public static Argument<string> SnapshotFile(string name = "file", string description = "A heap snapshot (.heapsnap).") =>
        new(name) { Description = description };

    public static Option<int> Rows(int defaultRows, string description) => new("--rows", "-n")
    {
        Description = description,
        DefaultValueFactory = _ => defaultRows,
    };

    /// <summary>
    /// An option taking one of an enum's values, shown in help as typed (`--format text|json`, not
    /// `&lt;Json|Text&gt;`); System.CommandLine reads the values case-insensitively.
    /// </summary>
    public static Option<T> Choice<T>(string name, string description, T defaultValue) where T : struct, Enum => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        HelpName = ChoiceNames<T>(),
    };

    /// <summary>An enum's values as typed on the command line: "text|json".</summary>
    public static string ChoiceNames<T>() where T : struct, Enum =>
        string.Join('|', Enum.GetNames<T>().Select(n => n.ToLowerInvariant()));

    /// <summary>The sample type option of the profile reports (top on a profile, traces).</summary>
    public static Option<string?> SampleType(string description) => new("--sample")
    {
        Description = description,
        HelpName = "type",
    };

    /// <summary>The value of a --rows option, refused unless positive.</summary>
    public static int PositiveRows(this ParseResult result, Option<int> rows)
    {
        int count = result.GetValue(rows);
        return count > 0 ? count : throw new HeapLensException("--rows must be a positive number");
    }
}
