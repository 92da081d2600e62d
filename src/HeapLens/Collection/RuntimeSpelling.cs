using System.Text;

namespace HeapLens.Collection;

/// <summary>
/// The runtime's spelling of a type name, as the heap walk's type events give it, from ClrMD's C#-style
/// spelling: "System.Collections.Generic.Dictionary&lt;System.Int32, Fixture.Item&gt;" becomes
/// "System.Collections.Generic.Dictionary`2[System.Int32,Fixture.Item]". Arrays are spelled alike.
/// A '&lt;' opens type arguments only after a name's character: "&lt;Module&gt;", "Ns.&lt;Run&gt;d__1" and
/// "&lt;&gt;f__AnonymousType0&lt;System.Int32&gt;" keep the brackets that are part of the name.
/// Not for names with a nested type ('+'): the events spell those without their declaring type, and
/// snapshots keep ClrMD's spelling of them (<see cref="NestedTypeNames"/>).
/// </summary>
internal static class RuntimeSpelling
{
    public static string Of(string clrMdName)
    {
        if (!clrMdName.Contains('<'))
            return clrMdName;
        var spelled = new StringBuilder(clrMdName.Length);
        // Each open argument list: where its "`N" goes in the output, and how many arguments it has.
        var lists = new Stack<(int Insert, int Count)>();
        // Each '<' that is part of a name (not an argument list), so that its '>' stays too.
        var nameBrackets = new Stack<bool>();
        for (int i = 0; i < clrMdName.Length; i++)
        {
            char c = clrMdName[i];
            switch (c)
            {
                case '<':
                    bool opensArguments = i > 0 && IsNameCharacter(clrMdName[i - 1]);
                    nameBrackets.Push(!opensArguments);
                    if (opensArguments)
                    {
                        lists.Push((spelled.Length, 1));
                        spelled.Append('[');
                    }
                    else
                    {
                        spelled.Append(c);
                    }
                    break;
                case '>' when nameBrackets.Count > 0:
                    if (nameBrackets.Pop())
                    {
                        spelled.Append(c);
                        break;
                    }
                    var (insert, count) = lists.Pop();
                    spelled.Append(']');
                    spelled.Insert(insert, "`" + count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case ',' when lists.Count > 0:
                    var open = lists.Pop();
                    lists.Push((open.Insert, open.Count + 1));
                    spelled.Append(',');
                    while (i + 1 < clrMdName.Length && clrMdName[i + 1] == ' ')
                        i++;
                    break;
                default:
                    spelled.Append(c);
                    break;
            }
        }
        return spelled.ToString();
    }

    /// <summary>A character a type's name can end with before its argument list.</summary>
    private static bool IsNameCharacter(char c) => char.IsLetterOrDigit(c) || c is '_' or '>' or '`' or '$';
}
