using Microsoft.CodeAnalysis;

namespace HeapLens.Explain.Sources;

/// <summary>
/// The references of a compilation of loose files: the reference pack of the running runtime when the
/// SDK is installed beside it (packs/Microsoft.NETCore.App.Ref), else the runtime's own assemblies.
/// </summary>
internal static class ReferenceAssemblies
{
    private static readonly Lazy<IReadOnlyList<MetadataReference>> All = new(Load);

    public static IReadOnlyList<MetadataReference> Runtime => All.Value;

    private static IReadOnlyList<MetadataReference> Load()
    {
        string runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var version = new DirectoryInfo(runtimeDirectory).Name;
        string? dotnetRoot = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(runtimeDirectory)));
        string pack = dotnetRoot is null ? "" : Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref", version, "ref");
        string? refDirectory = Directory.Exists(pack) ? Directory.GetDirectories(pack).OrderDescending().FirstOrDefault() : null;
        var files = refDirectory is not null
            ? Directory.GetFiles(refDirectory, "*.dll")
            : ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Where(f => Path.GetFileName(f).StartsWith("System", StringComparison.Ordinal) || Path.GetFileName(f) is "mscorlib.dll" or "netstandard.dll")
                .ToArray();
        return files.Select(f => (MetadataReference)MetadataReference.CreateFromFile(f)).ToList();
    }
}
