using Spectre.Console;

namespace HeapLens.Cli.Infrastructure;

/// <summary>A view that can be printed for people (text) or for tools (JSON, exact bytes).</summary>
internal interface IReport
{
    object ToJson();

    void WriteText(IAnsiConsole console);
}

internal static class Report
{
    public static int Write(IReport report, OutputFormat format)
    {
        if (format == OutputFormat.Json)
            OutputFormatOption.WriteJson(report.ToJson());
        else
            report.WriteText(Terminal.Out);
        return 0;
    }
}
