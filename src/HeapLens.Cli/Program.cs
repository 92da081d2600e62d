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
        return root.Parse(args).Invoke();
    }

    private static IEnumerable<Command> Commands()
    {
        yield return PsCommand.Create();
        yield return MonitorCommand.Create();
        yield return TrendCommand.Create();
    }
}
