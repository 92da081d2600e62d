using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace HeapLens.AspNetCore;

/// <summary>The query parameters of the endpoints, read the way net/http/pprof reads them.</summary>
internal static class RequestParameters
{
    /// <summary>?seconds=N: a positive integer no larger than the cap (400 otherwise); absent gives the default.</summary>
    public static TimeSpan Seconds(HttpRequest request, HeapLensOptions options)
    {
        string? text = Single(request, "seconds");
        if (text is null)
            return TimeSpan.FromSeconds(options.DefaultSeconds);
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) || seconds <= 0)
            throw new HttpProblem(400, "bad seconds: give a positive whole number of seconds");
        if (seconds > options.MaxSeconds)
            throw new HttpProblem(400, $"seconds={seconds} exceeds this server's limit of {options.MaxSeconds} seconds");
        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>?pid=N, or null when absent.</summary>
    public static int? Pid(HttpRequest request)
    {
        string? text = Single(request, "pid");
        if (text is null)
            return null;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid <= 0)
            throw new HttpProblem(400, "bad pid: give a process id (see /debug/pprof/)");
        return pid;
    }

    /// <summary>?debug=N: Go gives text for any non-zero value.</summary>
    public static bool Debug(HttpRequest request)
    {
        string? text = Single(request, "debug");
        if (text is null)
            return false;
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int debug))
            throw new HttpProblem(400, "bad debug: give 0 (binary) or 1 (text)");
        return debug != 0;
    }

    private static string? Single(HttpRequest request, string name)
    {
        var values = request.Query[name];
        if (values.Count > 1)
            throw new HttpProblem(400, $"give {name} once");
        return values.Count == 0 ? null : values[0];
    }
}
