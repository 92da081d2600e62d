using HeapLens.Reports;
using Spectre.Console;

namespace HeapLens.Cli.Infrastructure;

/// <summary>
/// The one write path of every command's result: a report model from the library, printed as JSON
/// (the model itself, exact bytes) or through its text view.
/// </summary>
internal static class ReportOutput
{
    public static int Write<T>(T report, OutputFormat format, Action<T, IAnsiConsole> textView)
    {
        if (format == OutputFormat.Json)
            Console.Out.WriteLine(ReportJson.Serialize(report));
        else
            textView(report, Terminal.Out);
        return 0;
    }
}
