using HeapLens.Profiles;
using Spectre.Console;
using Profile = HeapLens.Profiles.Profile;

namespace HeapLens.Cli.Reports;

/// <summary>The heaviest full stacks, leaf (the allocated type) first, with every sample type's value.</summary>
internal static class ProfileTracesReport
{
    public static object Json(string path, Profile profile, string sortedBy, IReadOnlyList<StackTotal> stacks) => new
    {
        file = path,
        sortedBy,
        sampleTypes = profile.SampleTypes.Select(t => new { type = t.Type, unit = t.Unit }).ToList(),
        traces = stacks.Select(s => new
        {
            values = s.Values,
            frames = s.Frames.Select(f => new
            {
                function = f.Name,
                file = f.Function is { FileName.Length: > 0 } fn ? fn.FileName : null,
                line = f.Line == 0 ? (long?)null : f.Line,
            }).ToList(),
        }).ToList(),
    };

    public static void Write(IAnsiConsole console, string path, Profile profile, IReadOnlyList<StackTotal> stacks)
    {
        console.WriteLine($"File: {Path.GetFileName(path)}");
        var totals = profile.SampleTypes.Select((_, i) => profile.Samples.Sum(s => s.Values[i])).ToArray();
        foreach (var stack in stacks)
        {
            console.WriteLine(new string('-', 72));
            var values = profile.SampleTypes.Select((t, i) =>
                $"{t.Type} {ProfileValues.Format(stack.Values[i], t.Unit)} ({Sizes.Percent(stack.Values[i], totals[i])})");
            console.WriteLine(string.Join("   ", values));
            foreach (var frame in stack.Frames)
            {
                string where = frame.Function is { FileName.Length: > 0 } fn
                    ? $"  {Path.GetFileName(fn.FileName)}:{frame.Line}"
                    : "";
                console.WriteLine($"    {frame.Name}{where}");
            }
        }
        console.WriteLine(new string('-', 72));
    }
}
