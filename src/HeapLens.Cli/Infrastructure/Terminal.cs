using Spectre.Console;

namespace HeapLens.Cli.Infrastructure;

/// <summary>
/// Spectre consoles for reports (stdout) and progress (stderr). Progress goes to stderr so that
/// stdout stays clean for JSON and pipes; it is shown only when stderr is a terminal.
/// </summary>
internal static class Terminal
{
    private static readonly TrailingSpaceTrimmer Trimmer = new(Console.Out);

    public static IAnsiConsole Out { get; } = CreateOut();

    /// <summary>Writes out a report's last line if it did not end with a newline.</summary>
    public static void Flush() => Trimmer.Flush();

    private static IAnsiConsole CreateOut()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Trimmer),
            Ansi = Console.IsOutputRedirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = Console.IsOutputRedirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        // A pipe or file has no width; do not wrap reports at 80 columns there.
        if (Console.IsOutputRedirected)
            console.Profile.Width = 4096;
        return console;
    }

    public static IAnsiConsole Error { get; } = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Console.Error),
    });

    public static bool ShowProgress => !Console.IsErrorRedirected;
}
