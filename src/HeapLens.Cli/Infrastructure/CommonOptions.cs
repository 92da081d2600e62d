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

    /// <summary>The value of a --rows option, refused unless positive.</summary>
    public static int PositiveRows(this ParseResult result, Option<int> rows)
    {
        int count = result.GetValue(rows);
        return count > 0 ? count : throw new HeapLensException("--rows must be a positive number");
    }
}
