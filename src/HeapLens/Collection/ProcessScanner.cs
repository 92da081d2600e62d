using System.Globalization;

namespace HeapLens.Collection;

/// <summary>
/// Lists the .NET processes with a live diagnostics port, scan after scan, at little cost: an agent asks
/// every few seconds, and the temp directory of a machine that ran .NET for a while holds hundreds of
/// stale ports of dead processes. What a scan learns about a port is kept until the port's file goes:
/// a port whose process is dead is never probed again, a live process is described once (by its port,
/// which names the pid and the start time) and only checked for life at later scans, and the directory
/// is listed again only when it changed. Thread-safe.
/// </summary>
public sealed class ProcessScanner
{
    // A listing taken within this time of the directory's last change may have missed a change made in the same
    // tick of the file system's clock, which leaves the time as it was: such a listing is taken again next scan.
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(2);

    private readonly Dictionary<string, Port> _ports = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly string? _directory;
    private DateTime? _listedAtChange;

    public ProcessScanner()
        : this(DiagnosticsPorts.DefaultDirectory)
    {
    }

    /// <param name="directory">Where the ports are (a test's own directory); null on Windows.</param>
    internal ProcessScanner(string? directory) => _directory = directory;

    /// <summary>Ports listed (directory reads) so far: a scan of an unchanged directory lists nothing.</summary>
    public int Listings { get; private set; }

    /// <summary>Processes described (name and command line read) so far: each live one once.</summary>
    public int Descriptions { get; private set; }

    /// <summary>The live .NET processes but this one, by pid.</summary>
    public IReadOnlyList<DotNetProcess> List()
    {
        lock (_lock)
        {
            Relist();
            var live = new List<DotNetProcess>();
            foreach (var port in _ports.Values)
            {
                if (port.Dead)
                    continue;
                if (!IsAlive(port.Address))
                {
                    port.Dead = true; // its file stays behind; the process will not come back
                    continue;
                }
                if (port.Process is null)
                {
                    port.Process = ProcessLocator.TryDescribe(port.Address.ProcessId);
                    Descriptions++;
                    port.Dead = port.Process is null;
                }
                if (port.Process is not null && live.TrueForAll(p => p.Id != port.Process.Id))
                    live.Add(port.Process);
            }
            live.Sort((a, b) => a.Id.CompareTo(b.Id));
            return live;
        }
    }

    private void Relist()
    {
        DateTime? changed = _directory is null ? null : Directory.GetLastWriteTimeUtc(_directory);
        if (changed is not null && changed == _listedAtChange)
            return;
        var present = DiagnosticsPorts.List(_directory);
        Listings++;
        var names = new HashSet<string>(present.Count, StringComparer.Ordinal);
        foreach (var address in present)
        {
            names.Add(address.Name);
            if (!_ports.ContainsKey(address.Name))
                _ports[address.Name] = new Port(address) { Dead = address.ProcessId == Environment.ProcessId };
        }
        foreach (string gone in _ports.Keys.Where(name => !names.Contains(name)).ToList())
            _ports.Remove(gone);
        _listedAtChange = changed is not null && DateTime.UtcNow - changed.Value > SettleTime ? changed : null;
    }

    /// <summary>
    /// The port's process runs: on Linux the pid's start time must also be the one in the port's name (a pid
    /// is reused by any process, .NET or not, once its owner is dead).
    /// </summary>
    internal static bool IsAlive(DiagnosticsPort port)
    {
        var (status, startTime) = TargetState.Identify(port.ProcessId);
        if (status == TargetStatus.Exited)
            return false;
        return port.StartKey == 0 || startTime is null || !OperatingSystem.IsLinux()
            || startTime == port.StartKey.ToString(CultureInfo.InvariantCulture);
    }

    private sealed class Port(DiagnosticsPort address)
    {
        public DiagnosticsPort Address { get; } = address;
        public DotNetProcess? Process { get; set; }
        public bool Dead { get; set; }
    }
}
