using Microsoft.Diagnostics.Runtime;

namespace HeapLens.Collection;

/// <summary>
/// Names the declaring type of static-field roots. The heap walk's GCBulkRootStaticVar events give a
/// static's field name, its value and the address of its slot, but the type in them is the value's
/// type, not the declaring class. ClrMD, attached read-only without suspending the target, knows
/// every loaded type's static slots, so a slot address maps back to "Namespace.Type.field".
/// Static slots live in pinned memory, so addresses seen by the walk are still valid afterwards.
/// </summary>
internal static class StaticFieldResolver
{
    /// <summary>Slot address to "Type.field" for the slots asked for; empty when the runtime cannot be inspected.</summary>
    public static IReadOnlyDictionary<ulong, string> Resolve(int pid, IReadOnlySet<ulong> slots)
    {
        var names = new Dictionary<ulong, string>();
        if (slots.Count == 0)
            return names;
        try
        {
            using var target = DataTarget.AttachToProcess(pid, suspend: false);
            if (target.ClrVersions.Length == 0)
                return names;
            var clr = target.ClrVersions[0];
            string? dac = DacNextTo(clr.ModuleInfo.FileName);
            // The runtime reports its own version as 0.0 to ClrMD here, so the DAC beside it is taken as is.
            using var runtime = dac is null ? clr.CreateRuntime() : clr.CreateRuntime(dac, ignoreMismatch: true);
            var domains = runtime.AppDomains;
            foreach (var module in runtime.EnumerateModules())
            {
                foreach (var (methodTable, _) in module.EnumerateTypeDefToMethodTableMap())
                {
                    var type = runtime.GetTypeByMethodTable(methodTable);
                    if (type is null || type.StaticFields.Length == 0)
                        continue;
                    foreach (var field in type.StaticFields)
                    {
                        foreach (var domain in domains)
                        {
                            ulong slot = field.GetAddress(domain);
                            if (slots.Contains(slot))
                                names[slot] = $"{type.Name}.{field.Name}";
                        }
                    }
                }
            }
        }
        catch (Exception e) when (e is ClrDiagnosticsException or IOException or InvalidOperationException
                                      or UnauthorizedAccessException or NotSupportedException or PlatformNotSupportedException)
        {
            // Without ClrMD the roots keep their field names; paths still work, only less precisely named.
        }
        return names;
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
