using HeapLens.Formats.HeapSnap;
using HeapLens.Formats.Pprof;
using HeapLens.Profiles;

namespace HeapLens.Cli.Infrastructure;

/// <summary>The one way the profile reports (top, list, traces, diff) load their profiles.</summary>
internal static class ProfileLoader
{
    public static Profile Load(string path)
    {
        // A heap snapshot given to a profile report is a mix-up, not a corrupt profile: say so.
        if (HeapSnapFile.LooksLikeSnapshot(path))
            throw new HeapLensException($"{path}: not an allocation profile: it is a heap snapshot (see heaplens top, dominators, paths)");
        return PprofFile.Load(path);
    }

    /// <summary>A base and a new profile, loaded and checked to be comparable.</summary>
    public static ProfilePair LoadPair(string basePath, string newPath, bool normalize)
    {
        if (HeapSnapFile.LooksLikeSnapshot(basePath) != HeapSnapFile.LooksLikeSnapshot(newPath))
            throw MixedKinds(basePath, newPath);
        return ProfilePair.Create(basePath, Load(basePath), newPath, Load(newPath), normalize);
    }

    /// <summary>A heap snapshot and a profile cannot be compared: names which is which.</summary>
    public static HeapLensException MixedKinds(string basePath, string newPath)
    {
        bool baseIsSnapshot = HeapSnapFile.LooksLikeSnapshot(basePath);
        var (snapshot, profile) = baseIsSnapshot ? (basePath, newPath) : (newPath, basePath);
        return new HeapLensException(
            $"cannot compare a heap snapshot with a profile: {snapshot} is a heap snapshot (.heapsnap), {profile} is not; " +
            "diff two snapshots or two pprof profiles");
    }
}
