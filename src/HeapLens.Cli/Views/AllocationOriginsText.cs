using System.Globalization;
using HeapLens.Analysis;

namespace HeapLens.Cli.Views;

/// <summary>
/// "allocated at": where the objects of a group were allocated, from a snapshot taken with --allocs.
/// One summary line, then one line per site (share of the estimated objects, file:line, function).
/// </summary>
internal static class AllocationOriginsText
{
    public static IEnumerable<string> Lines(AllocationOrigins? origins, string indent)
    {
        if (origins is null)
            yield break;
        string window = string.Create(CultureInfo.InvariantCulture, $"the {origins.WindowSeconds:0.0} s allocation window before the snapshot");
        string lost = origins.EventsLost > 0 ? $"; {Sizes.Count(origins.EventsLost)} events were lost, so the estimate may be low" : "";
        if (origins.Samples == 0)
        {
            yield return $"{indent}allocated in {window}: none of its sampled objects is among them (allocated before it, or too few to be sampled){lost}";
            yield break;
        }
        yield return $"{indent}allocated in {window}: an estimated {Sizes.Count(origins.Objects)} of them " +
                     $"(standard error {Sizes.Count(origins.ObjectsStandardError)}), {Sizes.Format(origins.Bytes)}, from {Sizes.Count(origins.Samples)} sampled objects{lost}";
        foreach (var site in origins.Sites)
            yield return $"{indent}  {Sizes.Percent(site.Objects, origins.Objects),6} at {Where(site)}";
    }

    /// <summary>"Keeper.cs:43 AllocTarget.Keeper.Keep", or the function alone when it has no line.</summary>
    public static string Where(AllocationSiteShare site) =>
        site.File is { } file && site.Line > 0
            ? $"{Path.GetFileName(file)}:{site.Line.ToString(CultureInfo.InvariantCulture)} {site.Function}"
            : site.Function;
}
