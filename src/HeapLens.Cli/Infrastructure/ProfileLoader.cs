using HeapLens.Formats.HeapSnap;
using HeapLens.Formats.Pprof;
using HeapLens.Profiles;

namespace HeapLens.Cli.Infrastructure;

/// <summary>The one way the profile reports (top, list, traces) load their profile.</summary>
internal static class ProfileLoader
{
    public static Profile Load(string path)
    {
        // A heap snapshot given to a profile report is a mix-up, not a corrupt profile: say so.
        if (HeapSnapFile.LooksLikeSnapshot(path))
            throw new HeapLensException($"{path}: not an allocation profile: it is a heap snapshot (see heaplens top, dominators, paths)");
        return PprofFile.Load(path);
    }
}
