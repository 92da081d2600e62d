using System.Globalization;
using System.Text;
using HeapLens.Formats.Pprof;
using HeapLens.Profiles;
using HeapLens.Reports;
using Microsoft.AspNetCore.Http;

namespace HeapLens.AspNetCore;

/// <summary>Writes a profile as net/http/pprof does: gzip pprof bytes, or a text summary with debug=1.</summary>
internal static class ProfileResponse
{
    private const int TextRows = 50;

    public static async Task WriteAsync(HttpContext context, Profile profile, string name, bool text, CancellationToken cancel)
    {
        // Encoded in memory first (a profile is small): an encoding failure can still become an error response.
        var bytes = new MemoryStream();
        if (text)
            WriteText(profile, name, bytes);
        else
            PprofFile.Save(profile, bytes);
        var response = context.Response;
        if (text)
            PprofResponses.PlainText(response);
        else
            PprofResponses.Attachment(response, name);
        response.ContentLength = bytes.Length;
        bytes.Position = 0;
        await bytes.CopyToAsync(response.Body, cancel).ConfigureAwait(false);
    }

    /// <summary>The `top` report of each sample type, as plain text.</summary>
    private static void WriteText(Profile profile, string name, Stream output)
    {
        using var writer = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true);
        var invariant = CultureInfo.InvariantCulture;
        writer.WriteLine($"{name} profile: {profile.DurationNanos / 1e9:0.###} s".ToString(invariant));
        foreach (string comment in profile.Comments)
            writer.WriteLine("# " + SafeText.Of(comment));
        foreach (var type in profile.SampleTypes)
        {
            var top = ProfileTopReport.Create(name, profile, type.Type, byCum: false, TextRows);
            writer.WriteLine();
            writer.WriteLine(string.Create(invariant, $"{top.SampleType} ({top.Unit}): total {top.Total}, {top.FunctionCount} functions"));
            writer.WriteLine(string.Create(invariant, $"{"flat",14} {"flat%",7} {"sum%",7} {"cum",14} {"cum%",7}  function"));
            foreach (var row in top.Functions)
            {
                writer.WriteLine(string.Create(invariant,
                    $"{row.Flat,14} {row.FlatPercent,6:0.00}% {row.SumPercent,6:0.00}% {row.Cum,14} {row.CumPercent,6:0.00}%  {SafeText.Of(row.Name)}"));
            }
        }
    }
}
