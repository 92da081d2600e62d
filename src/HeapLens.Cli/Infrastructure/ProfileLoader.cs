using HeapLens.Formats.HeapSnap;
using HeapLens.Formats.Pprof;
using HeapLens.Profiles;

namespace HeapLens.Cli.Infrastructure;

/// <summary>A profile with its lookups, ready for the profile reports (top, list, traces): the one way they load.</summary>
internal sealed record LoadedProfile(Profile Profile, ProfileIndex Index);

internal static class ProfileLoader
{
    public static LoadedProfile Load(string path)
    {
        // A heap snapshot given to a profile report is a mix-up, not a corrupt profile: say so.
        if (HeapSnapFile.LooksLikeSnapshot(path))
            throw new HeapLensException($"{path}: not an allocation profile: it is a heap snapshot (see heaplens top, dominators, paths)");
        var profile = PprofFile.Load(path);
        return new LoadedProfile(profile, new ProfileIndex(profile));
    }
}
