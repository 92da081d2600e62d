using Microsoft.Diagnostics.Runtime;

namespace HeapLens.Collection;

/// <summary>
/// What the heap walk's events leave out, read from the target with ClrMD attached read-only and
/// without suspending it, after the walk: the declaring types of static-field roots and the full
/// names of nested types. One attach serves both.
/// </summary>
internal sealed record TargetInspection(IReadOnlyDictionary<ulong, string> StaticFields, IReadOnlyDictionary<ulong, string> TypeNames)
{
    public static TargetInspection Nothing { get; } = new(new Dictionary<ulong, string>(), new Dictionary<ulong, string>());

    /// <param name="slots">Addresses of the static slots to name.</param>
    /// <param name="types">Runtime type ids (method tables) and the names the events gave them (null: none).</param>
    /// <returns>What could be read; <see cref="Nothing"/> when the runtime cannot be inspected.</returns>
    public static TargetInspection Read(int pid, IReadOnlySet<ulong> slots, IReadOnlyCollection<KeyValuePair<ulong, string?>> types)
    {
        if (slots.Count == 0 && types.Count == 0)
            return Nothing;
        try
        {
            using var target = DataTarget.AttachToProcess(pid, suspend: false);
            if (target.ClrVersions.Length == 0)
                return Nothing;
            var clr = target.ClrVersions[0];
            string? dac = DacNextTo(clr.ModuleInfo.FileName);
            // The runtime reports its own version as 0.0 to ClrMD here, so the DAC beside it is taken as is.
            using var runtime = dac is null ? clr.CreateRuntime() : clr.CreateRuntime(dac, ignoreMismatch: true);
            return new TargetInspection(StaticFieldResolver.Resolve(runtime, slots), NestedTypeNames.Resolve(runtime, types));
        }
        catch (Exception e) when (e is ClrDiagnosticsException or IOException or InvalidOperationException
                                      or UnauthorizedAccessException or NotSupportedException or PlatformNotSupportedException)
        {
            // Without ClrMD the roots keep their field names and the types the events' names:
            // everything still works, only less precisely named.
            return Nothing;
        }
    }

    private static string? DacNextTo(string? runtimePath)
    {
        if (string.IsNullOrEmpty(runtimePath))
            return null;
        string directory = Path.GetDirectoryName(runtimePath)!;
        foreach (string name in new[] { "libmscordaccore.so", "libmscordaccore.dylib", "mscordaccore.dll" })
        {
            string candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }
}
