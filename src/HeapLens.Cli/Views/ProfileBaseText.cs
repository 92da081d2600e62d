using HeapLens.Reports;

namespace HeapLens.Cli.Views;

/// <summary>The header lines of `top`, `list` and `traces` with --base: what was subtracted, both totals, the doubts.</summary>
internal static class ProfileBaseText
{
    /// <param name="onlyType">The one sample type to give totals of (top); null for all (list, traces).</param>
    public static IEnumerable<string> Lines(ProfileBase b, string? onlyType = null)
    {
        yield return $"Base: {Path.GetFileName(b.File)} (values are new minus base)";
        for (int i = 0; i < b.SampleTypes.Count; i++)
        {
            var t = b.SampleTypes[i];
            if (onlyType is not null && t.Type != onlyType)
                continue;
            string normalized = b.NormalizedBy is { } ratios ? $" (normalized: scaled by {ratios[i]:0.####})" : "";
            yield return $"{t.Type}: base {ProfileValues.Format(b.BaseTotals[i], t.Unit)}{Over(b.BaseDurationNanos)}, " +
                         $"new {ProfileValues.Format(b.NewTotals[i], t.Unit)}{Over(b.NewDurationNanos)}{normalized}, " +
                         $"change {ProfileValues.Signed(b.NewTotals[i] - b.BaseTotals[i], t.Unit)}";
        }
        foreach (string warning in b.Warnings)
            yield return "warning: " + warning;
    }

    public static string Over(long? nanos) => nanos is long n ? $" in {n / 1e9:0.##}s" : "";
}
