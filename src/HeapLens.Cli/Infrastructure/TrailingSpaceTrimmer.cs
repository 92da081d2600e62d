using System.Text;

namespace HeapLens.Cli.Infrastructure;

/// <summary>
/// Drops the spaces a table pads its last column with at the end of each line, so that reports
/// piped to files or pasted into issues carry no trailing whitespace.
/// </summary>
internal sealed class TrailingSpaceTrimmer(TextWriter inner) : TextWriter
{
    private readonly StringBuilder _line = new();

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        if (value == '\n')
        {
            int end = _line.Length;
            while (end > 0 && (_line[end - 1] == ' ' || _line[end - 1] == '\r'))
                end--;
            inner.Write(_line.ToString(0, end));
            inner.Write('\n');
            _line.Clear();
        }
        else
        {
            _line.Append(value);
        }
    }

    public override void Write(string? value)
    {
        if (value is null)
            return;
        foreach (char c in value)
            Write(c);
    }

    public override void Flush()
    {
        inner.Write(_line.ToString());
        _line.Clear();
        inner.Flush();
    }
}
