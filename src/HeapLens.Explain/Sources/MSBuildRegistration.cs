using Microsoft.Build.Locator;

namespace HeapLens.Explain.Sources;

/// <summary>
/// Points the process at the .NET SDK's MSBuild. It must run before any MSBuild type is loaded, so the
/// CLI calls it first thing in `explain`, and the workspace code lives in methods of their own that the
/// JIT compiles (and so loads MSBuild types for) only after it.
/// </summary>
public static class MSBuildRegistration
{
    private static readonly object Gate = new();

    /// <returns>Null when registered; otherwise why not (no SDK), for a note: loose files still work.</returns>
    public static string? EnsureRegistered()
    {
        lock (Gate)
        {
            if (MSBuildLocator.IsRegistered)
                return null;
            try
            {
                MSBuildLocator.RegisterDefaults();
                return null;
            }
            catch (InvalidOperationException e)
            {
                return "no .NET SDK found to load projects with (" + e.Message + ")";
            }
        }
    }
}
