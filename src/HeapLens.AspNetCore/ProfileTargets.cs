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

/// <summary>
/// The agent: any .NET process of this machine it may attach to, or only the one given with -p, or only
/// those with the name given with -n (every instance of a service, as they come and go).
/// </summary>
public sealed class MachineTargets : ProfileTargets
{
    private readonly DotNetProcess? _only;
    private readonly string? _name;

    // Shared by the watcher's rescans and the index page: what it learnt of each diagnostics port is kept.
    private readonly ProcessScanner _scanner = new();

    public MachineTargets(HeapLensOptions options, DotNetProcess? only = null, string? name = null)
    {
        if (only is not null && name is not null)
            throw new ArgumentException("give a process or a name, not both");
        _only = only;
        _name = name;
        Watcher = new ProcessWatcher(List, options.Trend);
    }

    public override bool UsesPid => true;

    public override IReadOnlyList<DotNetProcess> List()
    {
        if (_only is not null)
            return ProcessLocator.IsAlive(_only.Id) ? [_only] : [];
        var all = _scanner.List();
        return _name is null ? all : [.. all.Where(Named)];
    }

    private bool Named(DotNetProcess process) => string.Equals(process.Name, _name, StringComparison.OrdinalIgnoreCase);

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
        DotNetProcess process;
        try
        {
            process = ProcessLocator.Resolve(id, null);
        }
        catch (HeapLensException e)
        {
            throw new HttpProblem(404, e.Message.Replace("'heaplens ps'", "/debug/pprof/", StringComparison.Ordinal));
        }
        if (_name is not null && !Named(process))
            throw new HttpProblem(404, $"this agent serves the processes named {_name} only; process {id} is {process.Name}");
        return process;
    }

    public override ProcessWatcher Watcher { get; }
}
