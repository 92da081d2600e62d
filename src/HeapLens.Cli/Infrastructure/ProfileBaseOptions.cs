using System.CommandLine;
using HeapLens.Profiles;

namespace HeapLens.Cli.Infrastructure;

/// <summary>
/// `--base FILE` and `--normalize` of the profile reports (top, list, traces), as pprof's -base and
/// -normalize: the report shows the profile minus the base.
/// </summary>
internal sealed class ProfileBaseOptions
{
    public Option<string?> Base { get; } = new("--base")
    {
        Description = "Profiles: subtract this earlier profile (.pb.gz) and show what changed, as pprof's -base.",
        HelpName = "file",
    };

    public Option<bool> Normalize { get; } = Normalization();

    /// <summary>--normalize, shared with `diff`.</summary>
    public static Option<bool> Normalization() => new("--normalize")
    {
        Description = "With a base: scale the new profile so its total equals the base's before subtracting, " +
                      "as pprof's -normalize (for profiles of different durations).",
    };

    /// <summary>The base and the profile, checked and paired; null without --base.</summary>
    public ProfilePair? Pair(ParseResult result, string path)
    {
        string? basePath = result.GetValue(Base);
        if (basePath is null)
        {
            if (result.GetValue(Normalize))
                throw new HeapLensException("--normalize needs --base: it scales a profile to its base's totals");
            return null;
        }
        return ProfileLoader.LoadPair(basePath, path, result.GetValue(Normalize));
    }
}
