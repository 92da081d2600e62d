using Microsoft.AspNetCore.Builder;

namespace HeapLens.Web;

/// <summary>
/// Host options for HeapLens's own servers (`web`, `serve`): they read no settings file and serve their
/// assets from the assembly, so they watch nothing. By default the host watches its content root and
/// everything below it for appsettings.json changes: inotify watches on the whole tree, and CPU at every
/// change there, for as long as the server runs.
/// </summary>
public static class UnwatchedHost
{
    public static WebApplicationOptions Options() => new()
    {
        ContentRootPath = AppContext.BaseDirectory,
        Args = ["--hostBuilder:reloadConfigOnChange=false"],
    };
}
