using HeapLens;

namespace HeapLens.Cli.Infrastructure;

/// <summary>
/// Runs a command's body and turns every failure into one line on stderr and a non-zero exit code.
/// Set HEAPLENS_DEBUG=1 to see the full exception of an unexpected failure.
/// </summary>
internal static class CommandRunner
{
    public const int UserErrorExitCode = 1;
    public const int InternalErrorExitCode = 70;
    public const int CancelledExitCode = 130;

    public static async Task<int> RunAsync(Func<CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            return Report(e, cancellationToken);
        }
    }

    public static int Run(Func<int> body) => Run(body, null);

    /// <summary>Runs a capture: a signal that cancels it gives "cancelled by ..." and 128 + the signal's number.</summary>
    public static int Run(Func<int> body, StopOnSignal? signals)
    {
        try
        {
            return body();
        }
        catch (OperationCanceledException) when (signals?.Received is not null)
        {
            WriteError($"cancelled by {signals.SignalName}; nothing written");
            return signals.ExitCode;
        }
        catch (Exception e)
        {
            return Report(e, CancellationToken.None);
        }
    }

    private static int Report(Exception e, CancellationToken cancellationToken)
    {
        switch (e)
        {
            case HeapLensException user:
                WriteError(user.Message);
                return UserErrorExitCode;
            case OperationCanceledException when cancellationToken.IsCancellationRequested:
                WriteError("cancelled");
                return CancelledExitCode;
            case IOException io:
                WriteError(io.Message);
                return UserErrorExitCode;
            case UnauthorizedAccessException denied:
                WriteError(denied.Message);
                return UserErrorExitCode;
            default:
                WriteError($"internal error: {e.GetType().Name}: {e.Message}");
                if (Environment.GetEnvironmentVariable("HEAPLENS_DEBUG") == "1")
                    Console.Error.WriteLine(e);
                return InternalErrorExitCode;
        }
    }

    public static void WriteError(string message)
    {
        // One line, whatever the message holds, and nothing a terminal would act on: messages can
        // quote names and paths from files and from the command line.
        Console.Error.WriteLine("heaplens: " + SafeText.Of(message.ReplaceLineEndings(" ").Trim()));
    }
}
