using Microsoft.Diagnostics.Runtime;

namespace HeapLens.Collection;

/// <summary>
/// Full names of nested types. The heap walk's TypeBulkType events name a nested type without its
/// declaring type ("Entry[System.Int32,LeakyService.Product][]" for the entries of a
/// Dictionary&lt;int, Product&gt;, "&lt;&gt;c" for every class's lambda cache), so distinct types
/// share a name. A type's id in those events is its method table, from which ClrMD gives the full
/// name ("System.Collections.Generic.Dictionary&lt;System.Int32, LeakyService.Product&gt;+Entry[]").
/// Only names with a nested type in them are replaced (with their C#-style spelling): the others
/// keep the runtime's spelling, so snapshots stay comparable by name with earlier ones. A type the walk
/// left unnamed (its name went to another session first) gets the name the walk would have given it.
/// </summary>
internal static class NestedTypeNames
{
    /// <summary>Method table to full name, for the types whose event name lacks its declaring type or is missing.</summary>
    public static IReadOnlyDictionary<ulong, string> Resolve(ClrRuntime runtime, IEnumerable<KeyValuePair<ulong, string?>> types)
    {
        var names = new Dictionary<ulong, string>();
        foreach (var (methodTable, eventName) in types)
        {
            string? fullName = runtime.GetTypeByMethodTable(methodTable)?.Name;
            if (string.IsNullOrEmpty(fullName))
                continue;
            if (string.IsNullOrEmpty(eventName))
                names[methodTable] = fullName.Contains('+') ? fullName : RuntimeSpelling.Of(fullName);
            else if (fullName.Contains('+') && SameType(eventName, fullName))
                names[methodTable] = fullName;
        }
        return names;
    }

    /// <summary>
    /// Whether ClrMD's name is the event's type, checked by the type's own simple name: a method
    /// table read after the walk could belong to another type if its own was unloaded since.
    /// </summary>
    internal static bool SameType(string eventName, string fullName)
    {
        string simple = EventSimpleName(eventName);
        string last = LastSegment(fullName);
        if (simple.Length == 0 || !last.StartsWith(simple, StringComparison.Ordinal))
            return false;
        return last.Length == simple.Length || last[simple.Length] is '<' or '[';
    }

    /// <summary>"System.Collections.Generic.List`1[X]" gives "List", "Entry[A,B][]" gives "Entry", "&lt;&gt;c" itself.</summary>
    private static string EventSimpleName(string eventName)
    {
        int end = eventName.IndexOfAny(['[', '`']);
        string qualified = end < 0 ? eventName : eventName[..end];
        return qualified[(qualified.LastIndexOfAny(['.', '+']) + 1)..];
    }

    /// <summary>The innermost nested type of a C#-style name, with its arguments: "A&lt;B.C&gt;+Entry[]" gives "Entry[]".</summary>
    private static string LastSegment(string fullName)
    {
        int depth = 0;
        int start = 0;
        for (int i = 0; i < fullName.Length; i++)
        {
            switch (fullName[i])
            {
                case '<' or '[':
                    depth++;
                    break;
                case '>' or ']':
                    depth--;
                    break;
                case '.' or '+' when depth == 0:
                    start = i + 1;
                    break;
            }
        }
        return fullName[start..];
    }
}
