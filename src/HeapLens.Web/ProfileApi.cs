using System.Text.RegularExpressions;
using HeapLens.Profiles;
using HeapLens.Reports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace HeapLens.Web;

/// <summary>
/// A profile's reports over HTTP: the flame graph, `top` and `list` of one function. For a diff of two
/// profiles, <paramref name="profile"/> is their difference (what peek and list show, as `list --base`)
/// and the flame graph and `top` are those of the pair (`top --base`).
/// </summary>
internal static class ProfileApi
{
    public static void Map(WebApplication app, string file, Profile profile, ProfilePair? pair = null)
    {
        FlameApi.Map(app, "/api/profile/flame", new Lazy<FlameGraphs>(() => pair is null ? new FlameGraphs(file, profile) : new FlameGraphs(pair)),
            computeNow: true);

        // `top FILE [--sample S] [--cum] -n N`.
        app.MapGet("/api/profile/top", (HttpRequest r) =>
        {
            string? sample = QueryValues.Text(r, "sample");
            bool cum = QueryValues.Bool(r, "cum");
            int n = QueryValues.Int(r, "n", 20, 1, int.MaxValue);
            return Json.Of(pair is null ? ProfileTopReport.Create(file, profile, sample, cum, n) : ProfileTopReport.Create(pair, sample, cum, n));
        });

        // Callers and callees of one function (pprof's peek, the flame graph's sandwich).
        app.MapGet("/api/profile/peek", (HttpRequest r) => Json.Of(ProfilePeekReport.Create(file, profile,
            QueryValues.Text(r, "function") ?? throw new HeapLensException("give a function"), QueryValues.Text(r, "sample"))));

        // `list FILE REGEX`; the page names one function exactly, so its name is matched literally.
        app.MapGet("/api/profile/list", (HttpRequest r) =>
        {
            string? function = QueryValues.Text(r, "function");
            string? regex = QueryValues.Text(r, "regex");
            if ((function is null) == (regex is null))
                throw new HeapLensException("give exactly one of function or regex");
            string pattern = function is not null ? "^" + Regex.Escape(function) + "$" : regex!;
            Regex compiled;
            try
            {
                compiled = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException)
            {
                throw new HeapLensException($"'{pattern}' is not a valid regular expression");
            }
            return Json.Of(ProfileListReport.Create(file, profile, compiled));
        });
    }
}
