using System.CommandLine;
using HeapLens.Cli.Commands;

namespace HeapLens.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("HeapLens: heap snapshots and allocation profiles for .NET processes.");
        // Each command lives in its own file under Commands/ and knows only its options and which
        // source, analysis and view it wires together.
        foreach (var command in Commands())
            root.Subcommands.Add(command);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
            return ParseError(parse);
        if (Infrastructure.ChoiceHelp.IsHelp(parse))
            return Infrastructure.ChoiceHelp.Write(parse, root);
        int exitCode = parse.Invoke();
        Infrastructure.Terminal.Flush();
        return exitCode;
    }

    /// <summary>
    /// A mistyped command line is bad input like any other: one line on stderr and exit 1, pointing
    /// at the help, instead of the whole help on stdout where a pipe would take it for the report.
    /// </summary>
    private static int ParseError(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        string help = command is RootCommand ? "heaplens --help" : $"heaplens {command.Name} --help";
        Infrastructure.CommandRunner.WriteError($"{parse.Errors[^1].Message} (see '{help}')");
        return Infrastructure.CommandRunner.UserErrorExitCode;
    }

    private static IEnumerable<Command> Commands()
    {
        yield return DemoCommand.Create();
        yield return PsCommand.Create();
        yield return SnapshotCommand.Create();
        yield return InfoCommand.Create();
        yield return TopCommand.Create();
        yield return DominatorsCommand.Create();
        yield return PathsCommand.Create();
        yield return SuspectsCommand.Create();
        yield return DiffCommand.Create();
        yield return AllocsCommand.Create();
        yield return ListCommand.Create();
        yield return TracesCommand.Create();
        yield return ExplainCommand.Create();
        yield return MonitorCommand.Create();
        yield return TrendCommand.Create();
        yield return WebCommand.Create();
        yield return ExportCommand.Create();
        yield return ServeCommand.Create();
    }
}
