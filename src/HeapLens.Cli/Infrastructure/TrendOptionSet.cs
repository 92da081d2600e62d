using System.CommandLine;
using HeapLens.Monitoring;

namespace HeapLens.Cli.Infrastructure;

/// <summary>The floor-trend options `monitor` and `trend` share, declared and checked once.</summary>
internal sealed class TrendOptionSet
{
    public Option<string> Warmup { get; } = new("--warmup")
    {
        Description = "Ignore GCs in the first part of the run (start-up fills caches): 10s, 1m, 0 for none.",
        DefaultValueFactory = _ => "10s",
        HelpName = "duration",
    };

    public Option<string?> Window { get; } = new("--window")
    {
        Description = "Judge the trend on the most recent stretch only (30m, 2h). Default: the whole run.",
        HelpName = "duration",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Warmup);
        command.Options.Add(Window);
    }

    public TrendOptions Resolve(ParseResult result) => new()
    {
        WarmupSeconds = DurationParser.Parse(result.GetValue(Warmup)!, "--warmup", allowZero: true).TotalSeconds,
        WindowSeconds = result.GetValue(Window) is { } window ? DurationParser.Parse(window, "--window").TotalSeconds : null,
    };
}
