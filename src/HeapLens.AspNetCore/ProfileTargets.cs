using HeapLens.Collection;
using HeapLens.Monitoring;

namespace HeapLens.AspNetCore;

/// <summary>
/// Which processes the endpoints profile: the app itself (in-process) or the processes of the machine
/// (the `heaplens serve` agent). The handlers are the same for both; only this differs.
/// </summary>
public abstract class ProfileTargets
{
    /// <summary>True when requests name their target with ?pid= (the agent).</summary>
    public abstract bool UsesPid { get; }

    /// <summary>The processes the index page lists.</summary>
    public abstract IReadOnlyList<DotNetProcess> List();

    /// <summary>The target of a request.</summary>
    /// <exception cref="HttpProblem">No pid where one is needed (400), or no such process here (404).</exception>
    public abstract DotNetProcess Resolve(int? pid);

    /// <summary>Watches GCs: for /debug/heaplens/gc and /metrics.</summary>
    public abstract ProcessWatcher Watcher { get; }
}

/// <summary>The app profiles itself through its own diagnostics port.</summary>
public sealed class SelfTarget : ProfileTargets
{
    private readonly Lazy<DotNetProcess> _self = new(ProcessLocator.Current);

    public SelfTarget(HeapLensOptions options)
    {
        // Not started: the app's own GC session opens at the first /debug/heaplens/gc request.
        Watcher = new ProcessWatcher(() => [_self.Value], options.Trend);
    }

    public override bool UsesPid => false;

    public override IReadOnlyList<DotNetProcess> List() => [_self.Value];

    public override DotNetProcess Resolve(int? pid) =>
        pid is null || pid == Environment.ProcessId ? _self.Value
            : throw new HttpProblem(404, $"process {pid} is not this app; the in-process endpoints profile only the app itself");

    public override ProcessWatcher Watcher { get; }
}

/// <summary>The agent: any .NET process of this machine it may attach to, or the one given with -p/-n.</summary>
public sealed class MachineTargets : ProfileTargets
{
    private readonly DotNetProcess? _only;

    public MachineTargets(HeapLensOptions options, DotNetProcess? only = null)
    {
        _only = only;
        Watcher = only is null
            ? ProcessWatcher.AllProcesses(options.Trend)
            : new ProcessWatcher(() => ProcessLocator.IsAlive(only.Id) ? [only] : [], options.Trend);
    }

    public override bool UsesPid => true;

    public override IReadOnlyList<DotNetProcess> List() =>
        _only is null ? ProcessLocator.List() : ProcessLocator.IsAlive(_only.Id) ? [_only] : [];

    public override DotNetProcess Resolve(int? pid)
    {
        if (_only is not null)
        {
            if (pid is not null && pid != _only.Id)
                throw new HttpProblem(404, $"this agent serves process {_only.Id} only, not {pid}");
            if (!ProcessLocator.IsAlive(_only.Id))
                throw new HttpProblem(404, $"process {_only.Id} has exited");
            return _only;
        }
        if (pid is not int id)
            throw new HttpProblem(400, "give the target process with ?pid= (see /debug/pprof/ for the list)");
        try
        {
            return ProcessLocator.Resolve(id, null);
        }
        catch (HeapLensException e)
        {
            throw new HttpProblem(404, e.Message.Replace("'heaplens ps'", "/debug/pprof/", StringComparison.Ordinal));
        }
    }

    public override ProcessWatcher Watcher { get; }
}
