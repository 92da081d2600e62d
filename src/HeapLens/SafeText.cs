using System.Globalization;
using System.Text;

namespace HeapLens;

/// <summary>
/// Names that come from outside (type, field, function, file and module names read from a file or
/// a target process) made safe to print: control characters (C0, DEL, C1), line and paragraph
/// separators and bidirectional overrides are replaced by a visible escape (\x1B, \u202E), so a
/// crafted name cannot move the cursor, recolour the terminal, fake table rows or reverse text.
/// Applied once where a snapshot or profile is built or read, so every view gets safe names.
/// </summary>
public static class SafeText
{
    /// <summary>The name itself when nothing needs escaping (the common case allocates nothing).</summary>
    public static string Of(string text)
    {
        int first = IndexOfUnsafe(text);
        if (first < 0)
            return text;
        var escaped = new StringBuilder(text.Length + 16);
        escaped.Append(text, 0, first);
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            if (!IsUnsafe(c))
                escaped.Append(c);
            else if (c <= 0xFF)
                escaped.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            else
                escaped.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
        }
        return escaped.ToString();
    }

    /// <summary>Whether printing <paramref name="c"/> raw could change what a terminal or page shows.</summary>
    public static bool IsUnsafe(char c) => c switch
    {
        < '\x20' or '\x7F' => true,                   // C0 controls (ESC, CR, LF, BEL, ...) and DEL
        >= '\x80' and <= '\x9F' => true,               // C1 controls (CSI, OSC as single characters)
        '\u061C' or '\u200E' or '\u200F' => true,      // bidi marks
        >= '\u202A' and <= '\u202E' => true,           // bidi embeddings and overrides
        >= '\u2066' and <= '\u2069' => true,           // bidi isolates
        '\u2028' or '\u2029' => true,                  // line and paragraph separators
        _ => false,
    };

    private static int IndexOfUnsafe(string text)
    {
        for (int i = 0; i < text.Length; i++)
            if (IsUnsafe(text[i]))
                return i;
        return -1;
    }
}
