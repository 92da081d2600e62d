using System.Text;

namespace HeapLens.Cli.Views;

/// <summary>
/// Runtime type names as C# readers know them, for text views only (JSON keeps the runtime's names):
/// "System.Collections.Generic.List`1[Fixture.Item]" becomes "System.Collections.Generic.List&lt;Fixture.Item&gt;".
/// </summary>
internal static class TypeNames
{
    public static string Pretty(string runtimeName)
    {
        if (!runtimeName.Contains('`'))
            return runtimeName;
        var result = new StringBuilder(runtimeName.Length);
        // Brackets that opened a generic argument list close with '>'; others (arrays) stay as they are.
        var open = new Stack<bool>();
        for (int i = 0; i < runtimeName.Length; i++)
        {
            char c = runtimeName[i];
            if (c == '`')
            {
                int digits = i + 1;
                while (digits < runtimeName.Length && char.IsAsciiDigit(runtimeName[digits]))
                    digits++;
                if (digits < runtimeName.Length && runtimeName[digits] == '[' && digits > i + 1)
                {
                    result.Append('<');
                    open.Push(true);
                    i = digits;
                    continue;
                }
                result.Append(runtimeName, i, digits - i);
                i = digits - 1;
            }
            else if (c == '[')
            {
                open.Push(false);
                result.Append(c);
            }
            else if (c == ']')
            {
                result.Append(open.Count > 0 && open.Pop() ? '>' : ']');
            }
            else if (c == ',' && open.Count > 0 && open.Peek())
            {
                result.Append(", ");
            }
            else
            {
                result.Append(c);
            }
        }
        return result.ToString();
    }
}
