using Microsoft.Diagnostics.Runtime;

namespace HeapLens.Collection;

/// <summary>
/// Names the declaring type of static-field roots. The heap walk's GCBulkRootStaticVar events give a
/// static's field name, its value and the address of its slot, but the type in them is the value's
/// type, not the declaring class. ClrMD knows every loaded type's static slots, so a slot address
/// maps back to "Namespace.Type.field".
/// Static slots live in pinned memory, so addresses seen by the walk are still valid afterwards.
/// </summary>
internal static class StaticFieldResolver
{
    /// <summary>Slot address to "Type.field" for the slots asked for.</summary>
    public static IReadOnlyDictionary<ulong, string> Resolve(ClrRuntime runtime, IReadOnlySet<ulong> slots)
    {
        var names = new Dictionary<ulong, string>();
        if (slots.Count == 0)
            return names;
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
        return names;
    }
}
