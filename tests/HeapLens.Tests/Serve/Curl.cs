using System.Diagnostics;

namespace HeapLens.Tests.Serve;

/// <summary>What curl received: the status, the headers (lower-case names) and the body.</summary>
internal sealed record CurlResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : "";
}

/// <summary>Runs the real curl, the client a cron job or a person at a shell uses.</summary>
internal static class Curl
{
    public static CurlResponse Get(string url, params string[] headers)
    {
        string headerFile = Path.GetTempFileName();
        try
        {
            var info = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string argument in new[] { "-s", "-S", "--max-time", "300", "-D", headerFile })
                info.ArgumentList.Add(argument);
            foreach (string header in headers)
            {
                info.ArgumentList.Add("-H");
                info.ArgumentList.Add(header);
            }
            info.ArgumentList.Add(url);
            using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start curl");
            var error = process.StandardError.ReadToEndAsync();
            string body = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"curl {url} failed ({process.ExitCode}): {error.Result}");
            var lines = File.ReadAllLines(headerFile);
            int status = int.Parse(lines[0].Split(' ')[1]);
            var parsed = new Dictionary<string, string>();
            foreach (string line in lines.Skip(1))
            {
                int colon = line.IndexOf(':');
                if (colon > 0)
                    parsed[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
            }
            return new CurlResponse(status, parsed, body);
        }
        finally
        {
            File.Delete(headerFile);
        }
    }
}
