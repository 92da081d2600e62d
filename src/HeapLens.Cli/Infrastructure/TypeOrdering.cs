using System.CommandLine;
using HeapLens.Cli.Commands;

namespace HeapLens.Cli.Infrastructure;

/// <summary>How `top` sorts types and `diff --by type` sorts their changes: one option, one order.</summary>
internal static class TypeOrdering
{
    public static Option<TypeOrder> Option(string name, string description, TypeOrder defaultOrder) =>
        CommonOptions.Choice(name, description, defaultOrder);

    /// <summary>
    /// Biggest first by the chosen measure, then by shallow bytes, then by name, so that equal rows
    /// always come out in the same order.
    /// </summary>
    public static IEnumerable<T> Sort<T>(this IEnumerable<T> rows, TypeOrder order,
        Func<T, (long Shallow, long Retained, long Count)> measures, Func<T, string> name) =>
        rows.OrderByDescending(row => order switch
            {
                TypeOrder.Retained => measures(row).Retained,
                TypeOrder.Count => measures(row).Count,
                _ => measures(row).Shallow,
            })
            .ThenByDescending(row => measures(row).Shallow)
            .ThenBy(name, StringComparer.Ordinal);
}
