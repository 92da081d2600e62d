using HeapLens.Collection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HeapLens.AspNetCore;

/// <summary>
/// Runs one endpoint's work and turns every failure into a Go-style error response, so no handler
/// repeats the mapping: HttpProblem keeps its status, a busy target is 429, what HeapLens could not do
/// (the target exited mid-capture, refused a session) is 500 with the reason, and a client that went
/// away gets nothing (its capture was cancelled and the session stopped).
/// </summary>
internal static class EndpointRunner
{
    /// <summary>How long a capture whose stream ended by itself waits to see its target gone (see TargetState.ExitsWithinAsync).</summary>
    public static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(2);

    public static async Task RunAsync(HttpContext context, Func<HttpContext, CancellationToken, Task> work)
    {
        // A request ends its capture when the client goes away or the server shuts down.
        var stopping = context.RequestServices.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        try
        {
            await work(context, cancel.Token).ConfigureAwait(false);
        }
        catch (HttpProblem problem)
        {
            await PprofResponses.ErrorAsync(context, problem.StatusCode, problem.Message).ConfigureAwait(false);
        }
        catch (TargetBusyException busy)
        {
            await PprofResponses.ErrorAsync(context, 429, busy.Message).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            if (!context.RequestAborted.IsCancellationRequested)
                await PprofResponses.ErrorAsync(context, 503, "the server is shutting down; the capture was stopped").ConfigureAwait(false);
        }
        catch (Exception e) when (e is HeapLensException or IOException or UnauthorizedAccessException)
        {
            if (context.RequestAborted.IsCancellationRequested)
                return;
            await PprofResponses.ErrorAsync(context, 500, e.Message).ConfigureAwait(false);
        }
    }
}
