using System.CommandLine;
using HeapLens.Reports;

namespace HeapLens.Cli.Infrastructure;

/// <summary>The option that picks a TypeOrder: `top --by` and `diff --sort` read alike.</summary>
internal static class TypeOrderOption
{
    public static Option<TypeOrder> Create(string name, string description, TypeOrder defaultOrder) =>
        CommonOptions.Choice(name, description, defaultOrder);
}
