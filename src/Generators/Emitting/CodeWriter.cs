using System.Text;

namespace SocketServer.Generators.Emitting;

/// <summary>Writes C# text line by line with four-space indentation and braces that open and close blocks.</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _text = new();
    private int _depth;

    public CodeWriter Line(string line = "")
    {
        if (line.Length > 0)
        {
            _text.Append(' ', _depth * 4).Append(line);
        }

        _text.Append('\n');
        return this;
    }

    public CodeWriter Open(string? header = null)
    {
        if (header is not null)
        {
            Line(header);
        }

        Line("{");
        _depth++;
        return this;
    }

    public CodeWriter Close(string closer = "}")
    {
        _depth--;
        Line(closer);
        return this;
    }

    public override string ToString() => _text.ToString();
}
