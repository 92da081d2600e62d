using System.Runtime.InteropServices;

namespace HeapLens.Cli.Infrastructure;

/// <summary>
/// Turns the first Ctrl+C (SIGINT) into a cancellation the command handles, e.g. "stop recording and
/// write what you have"; a second Ctrl+C terminates as usual. Commands using this run as synchronous
/// System.CommandLine actions, for which System.CommandLine installs no handler of its own that would
/// end the process a moment after the first Ctrl+C.
/// </summary>
internal sealed class StopOnCtrlC : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration _registration;

    public StopOnCtrlC()
    {
        _registration = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            if (_stop.IsCancellationRequested)
                return; // second Ctrl+C: let the process end
            context.Cancel = true;
            _stop.Cancel();
        });
    }

    public CancellationToken Token => _stop.Token;

    public void Dispose()
    {
        _registration.Dispose();
        _stop.Dispose();
    }
}
