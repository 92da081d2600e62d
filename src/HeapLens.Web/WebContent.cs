using HeapLens.Analysis;
using HeapLens.Profiles;
using HeapLens.Reports;

namespace HeapLens.Web;

/// <summary>What a `heaplens web` session shows: one snapshot, two snapshots (a diff), a profile, two profiles (a diff) or a monitor's GC timeline.</summary>
public enum WebContentKind { Snapshot, Diff, Profile, Timeline, ProfileDiff }

/// <summary>The files the web UI serves, loaded and analyzed once before the server starts.</summary>
public sealed class WebContent
{
    private WebContent(WebContentKind kind, IReadOnlyList<string> files, AnalyzedSnapshot? snapshot, AnalyzedSnapshot? baseSnapshot, Profile? profile,
        TrendReport? trend = null, ProfilePair? profiles = null)
    {
        Trend = trend;
        Profiles = profiles;
        Kind = kind;
        Files = files;
        Snapshot = snapshot;
        BaseSnapshot = baseSnapshot;
        Profile = profile;
    }

    public WebContentKind Kind { get; }

    /// <summary>The files as given; for a diff the base first.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>The snapshot, or the newer one of a diff (what paths are asked of).</summary>
    public AnalyzedSnapshot? Snapshot { get; }

    public AnalyzedSnapshot? BaseSnapshot { get; }

    public Profile? Profile { get; }

    /// <summary>A profile diff's two profiles, checked to be comparable; <see cref="Profile"/> is then their difference.</summary>
    public ProfilePair? Profiles { get; }

    /// <summary>A GC timeline's trend report (what `trend --no-chart` computes), history included.</summary>
    public TrendReport? Trend { get; }

    public static WebContent OfSnapshot(string path, AnalyzedSnapshot snapshot) =>
        new(WebContentKind.Snapshot, [path], snapshot, null, null);

    public static WebContent OfDiff(string basePath, AnalyzedSnapshot before, string newPath, AnalyzedSnapshot after) =>
        new(WebContentKind.Diff, [basePath, newPath], after, before, null);

    public static WebContent OfProfile(string path, Profile profile) =>
        new(WebContentKind.Profile, [path], null, null, profile);

    public static WebContent OfProfileDiff(ProfilePair pair) =>
        new(WebContentKind.ProfileDiff, [pair.BasePath, pair.NewPath], null, null, pair.Difference(), profiles: pair);

    public static WebContent OfTimeline(string path, TrendReport trend) =>
        new(WebContentKind.Timeline, [path], null, null, null, trend);
}
