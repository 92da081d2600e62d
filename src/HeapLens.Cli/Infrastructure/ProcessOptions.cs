using System.CommandLine;
using HeapLens.Collection;

namespace HeapLens.Cli.Infrastructure;

/// <summary>The -p|--process-id and -n|--name pair every attaching command takes.</summary>
internal sealed class ProcessOptions
{
    public Option<int?> ProcessId { get; } = new("--process-id", "-p")
    {
        Description = "Id of the target .NET process.",
    };

    public Option<string?> Name { get; } = new("--name", "-n")
    {
        Description = "Name of the target .NET process (must match exactly one).",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(ProcessId);
        command.Options.Add(Name);
    }

    public DotNetProcess Resolve(ParseResult result) =>
        ProcessLocator.Resolve(result.GetValue(ProcessId), result.GetValue(Name));
}
