using HeapLens.Reports;
using Spectre.Console;

namespace HeapLens.Cli.Views;

/// <summary>
/// The text of `explain`, in the compiler's form: a line per hot line (its share and code), then one line
/// per cause, `path:LINE:COL: kind: message (types, size, share); fix: ...`, which editors link to the code.
/// </summary>
internal static class ExplainView
{
    public static void Write(ExplainReport report, IAnsiConsole console)
    {
        bool space = report.SampleType == "alloc_space";
        console.WriteLine($"Profile: {report.Profile}   Sources: {report.Sources}{(report.Partial ? "   (partial results: see the notes)" : "")}");
        console.WriteLine($"Total: {Value(report.Total, space)} {report.SampleType}; the {report.Lines.Count} hottest lines");
        foreach (var line in report.Lines)
        {
            string at = $"{Where(line)}:{line.Line}";
            console.WriteLine();
            console.WriteLine($"{at}: {Value(space ? line.AllocSpace : line.AllocObjects, space)} ({Sizes.Percent(space ? line.AllocSpace : line.AllocObjects, report.Total)} of {report.SampleType}) in {line.Function}");
            if (line.Source is { } code)
                console.WriteLine("    " + code.Trim());
            if (!line.Found)
                console.WriteLine($"{at}: not found: {line.Note}");
            else if (line.Note is { } note)
                console.WriteLine($"{at}: note: {note}");
            foreach (var cause in line.Causes)
                console.WriteLine($"{at}:{(cause.Column > 0 ? cause.Column + ":" : "")} {cause.Message} ({Share(cause, report, space)}); fix: {cause.Fix}");
        }
        if (report.Notes.Count > 0)
        {
            console.WriteLine();
            foreach (string note in report.Notes)
                console.WriteLine("note: " + note);
        }
    }

    private static string Share(ExplainCause cause, ExplainReport report, bool space)
    {
        long value = space ? cause.AllocSpace : cause.AllocObjects;
        string jit = cause.MayBeRemovedByJit ? "; may be removed by the JIT" : "";
        return cause.Types.Count == 0
            ? $"not seen in the profile{jit}"
            : $"{string.Join(", ", cause.Types)}, {Value(value, space)}, {Sizes.Percent(value, report.Total)} of {report.SampleType}{jit}";
    }

    private static string Value(long value, bool space) => space ? Sizes.Format(value) : Sizes.Count(value) + " objects";

    /// <summary>The file relative to the current directory when it is below it (as compilers print paths).</summary>
    private static string Where(ExplainLine line)
    {
        string path = line.SourcePath ?? line.File;
        try
        {
            string relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
            return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
        }
        catch (ArgumentException)
        {
            return path;
        }
    }
}
