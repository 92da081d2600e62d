using System.Runtime.InteropServices;

namespace HeapLens.Cli.Infrastructure;

/// <summary>
/// Turns the first SIGINT (Ctrl+C), SIGTERM or SIGHUP (the terminal closed) into one cancellation the
/// capture commands handle the same way, at any moment of the capture: stop the session (the target is
/// never left with one open), then `snapshot` writes nothing and `allocs` writes what it has. A second
/// signal terminates as usual. Commands using this run as synchronous System.CommandLine actions, for
/// which System.CommandLine installs no handler of its own that would end the process after a grace
/// period; the handler is installed first thing in the action.
/// </summary>
internal sealed class StopOnSignal : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration[] _registrations;
    private PosixSignal? _received;

    public StopOnSignal()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal),
        ];
    }

    public CancellationToken Token => _stop.Token;

    /// <summary>The signal that cancelled, for the message and the exit code (128 + its number, as shells report it).</summary>
    public PosixSignal? Received => _received;

    public int ExitCode => _received switch
    {
        PosixSignal.SIGHUP => 129,
        PosixSignal.SIGTERM => 143,
        _ => CommandRunner.CancelledExitCode,
    };

    public string SignalName => _received switch
    {
        PosixSignal.SIGHUP => "SIGHUP",
        PosixSignal.SIGTERM => "SIGTERM",
        _ => "Ctrl+C",
    };

    private void OnSignal(PosixSignalContext context)
    {
        lock (_stop)
        {
            if (_received is not null)
                return; // a second signal: let the process end
            _received = context.Signal;
        }
        context.Cancel = true;
        _stop.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
        _stop.Dispose();
    }
}
