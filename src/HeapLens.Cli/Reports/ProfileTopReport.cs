using HeapLens.Profiles;
using Spectre.Console;
using Profile = HeapLens.Profiles.Profile;

namespace HeapLens.Cli.Reports;

/// <summary>pprof-style top: flat, flat%, sum%, cum, cum% per function.</summary>
internal static class ProfileTopReport
{
    public static object Json(string path, FunctionTotals totals, int rows)
    {
        long sum = 0;
        return new
        {
            file = path,
            sampleType = totals.SampleType,
            unit = totals.Unit,
            total = totals.Total,
            functions = totals.Functions.Take(rows).Select(f =>
            {
                sum += f.Flat;
                return new
                {
                    name = f.Name,
                    file = f.FileName.Length == 0 ? null : f.FileName,
                    flat = f.Flat,
                    flatPercent = ProfileValues.Percent(f.Flat, totals.Total),
                    sumPercent = ProfileValues.Percent(sum, totals.Total),
                    cum = f.Cum,
                    cumPercent = ProfileValues.Percent(f.Cum, totals.Total),
                };
            }).ToList(),
        };
    }

    public static void Write(IAnsiConsole console, string path, Profile profile, FunctionTotals totals, int rows)
    {
        console.WriteLine($"File: {Path.GetFileName(path)}");
        foreach (string comment in profile.Comments)
            console.WriteLine(comment);
        console.WriteLine($"Type: {totals.SampleType}");
        if (profile.DurationNanos > 0)
            console.WriteLine($"Duration: {profile.DurationNanos / 1e9:0.##}s, Total: {ProfileValues.Format(totals.Total, totals.Unit)}");
        else
            console.WriteLine($"Total: {ProfileValues.Format(totals.Total, totals.Unit)}");
        int shown = Math.Min(rows, totals.Functions.Count);
        if (shown < totals.Functions.Count)
            console.WriteLine($"Showing top {shown} of {totals.Functions.Count} functions");

        var table = new Table().Border(TableBorder.None).HideRowSeparators();
        foreach (string column in new[] { "flat", "flat%", "sum%", "cum", "cum%" })
            table.AddColumn(new TableColumn(column).RightAligned());
        table.AddColumn("function");
        long sum = 0;
        foreach (var f in totals.Functions.Take(shown))
        {
            sum += f.Flat;
            table.AddRow(
                ProfileValues.Format(f.Flat, totals.Unit), Sizes.Percent(f.Flat, totals.Total), Sizes.Percent(sum, totals.Total),
                ProfileValues.Format(f.Cum, totals.Unit), Sizes.Percent(f.Cum, totals.Total), Markup.Escape(f.Name));
        }
        console.Write(table);
    }
}
