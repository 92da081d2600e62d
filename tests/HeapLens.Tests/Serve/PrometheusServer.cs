using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace HeapLens.Tests.Serve;

/// <summary>
/// A real Prometheus server (Debian's `prometheus`, installed by .ci/run) scraping one target every
/// second with a bearer token from a file, queried through its HTTP API.
/// </summary>
internal sealed class PrometheusServer : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly HttpClient _http;

    private PrometheusServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public static PrometheusServer Start(string scrapeHostPort, string tokenFile)
    {
        string directory = Directory.CreateTempSubdirectory("heaplens-prometheus-").FullName;
        string config = Path.Combine(directory, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: heaplens
                authorization:
                  type: Bearer
                  credentials_file: {tokenFile}
                static_configs:
                  - targets: ['{scrapeHostPort}']
            """);
        int port = FreePort();
        var info = new ProcessStartInfo("prometheus") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[]
                 {
                     "--config.file=" + config, "--storage.tsdb.path=" + Path.Combine(directory, "data"),
                     $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn",
                 })
            info.ArgumentList.Add(argument);
        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start prometheus (apt-get install prometheus)");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new PrometheusServer(process, directory, port);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>An instant query: the value of each series, by its labels; empty when nothing matches (yet).</summary>
    public IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)> Query(string promql)
    {
        string json;
        try
        {
            json = _http.GetStringAsync("/api/v1/query?query=" + Uri.EscapeDataString(promql)).GetAwaiter().GetResult();
        }
        catch (HttpRequestException)
        {
            return []; // not listening yet
        }
        using var document = JsonDocument.Parse(json);
        var result = new List<(IReadOnlyDictionary<string, string>, double)>();
        foreach (var series in document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            double value = double.Parse(series.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
            result.Add((labels, value));
        }
        return result;
    }

    /// <summary>Queries until <paramref name="accept"/> holds for the answer, or the time is up; returns the last answer.</summary>
    public IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)> QueryUntil(string promql,
        Func<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>, bool> accept, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var answer = Query(promql);
            if (accept(answer) || clock.Elapsed > timeout)
                return answer;
            Thread.Sleep(500);
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
