using System.Text.RegularExpressions;
using HeapLens.Profiles;
using HeapLens.Reports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace HeapLens.Web;

/// <summary>A profile's reports over HTTP: the flame graph, `top` and `list` of one function.</summary>
internal static class ProfileApi
{
    public static void Map(WebApplication app, string file, Profile profile)
    {
        app.MapGet("/api/profile/flame", (HttpRequest r) => Json.Of(FlameGraphReport.Create(file, profile,
            QueryValues.Text(r, "sample"), QueryValues.Double(r, "minShare", FlameGraphReport.DefaultMinShare, 0, 0.5))));

        // `top FILE [--sample S] [--cum] -n N`.
        app.MapGet("/api/profile/top", (HttpRequest r) => Json.Of(ProfileTopReport.Create(file, profile,
            QueryValues.Text(r, "sample"), QueryValues.Bool(r, "cum"), QueryValues.Int(r, "n", 20, 1, int.MaxValue))));

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
