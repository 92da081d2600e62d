using System.Net.Http.Headers;
using HeapLens.Tests.Profiles;

namespace HeapLens.Tests.Serve;

/// <summary>
/// A real `heaplens serve` on a free loopback port (--urls http://127.0.0.1:0), its address and token
/// read from what it prints at start. Disposing interrupts it (SIGINT) and waits for it to stop.
/// </summary>
internal sealed class RunningServer : IDisposable
{
    private RunningServer(ChildProcess process, string baseUrl, string? token)
    {
        Process = process;
        BaseUrl = baseUrl;
        Token = token;
        Http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(3) };
        if (token is not null)
            Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public ChildProcess Process { get; }
    public string BaseUrl { get; }
    public string? Token { get; }

    /// <summary>A client that sends the token as a bearer header.</summary>
    public HttpClient Http { get; }

    public static RunningServer Start(params string[] arguments)
    {
        var process = ChildProcess.StartDll("heaplens.dll", ["serve", "--urls", "http://127.0.0.1:0", .. arguments]);
        try
        {
            string line = process.WaitForLineAsync("  http://", TimeSpan.FromSeconds(60)).GetAwaiter().GetResult().Trim();
            int debug = line.IndexOf("/debug/pprof/", StringComparison.Ordinal);
            int token = line.IndexOf("?token=", StringComparison.Ordinal);
            return new RunningServer(process, line[..debug], token < 0 ? null : Uri.UnescapeDataString(line[(token + 7)..]));
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    /// <summary>A URL with the token in the query, as `go tool pprof URL` takes it.</summary>
    public string UrlWithToken(string pathAndQuery) =>
        BaseUrl + pathAndQuery + (pathAndQuery.Contains('?') ? "&" : "?") + "token=" + Uri.EscapeDataString(Token!);

    public void Dispose()
    {
        Http.Dispose();
        try
        {
            Process.Interrupt();
            Process.WaitForExit(TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
        }
        Process.Dispose();
    }
}
