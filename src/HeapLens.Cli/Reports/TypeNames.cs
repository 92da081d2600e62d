namespace HeapLens.Cli.Reports;

internal static class TypeNames
{
    public static string Pretty(string runtimeName) => runtimeName;
}
