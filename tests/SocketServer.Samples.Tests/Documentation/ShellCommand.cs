using System.Text.RegularExpressions;

namespace SocketServer.Samples.Tests.Documentation;

/// <summary>A shell command the documentation tells a reader to type: where it is, and its text, normalised.</summary>
/// <remarks>
/// The rule (what <see cref="InDocumentation"/> reads, in README.md, docs/**/*.md and bench/README.md):
/// <list type="bullet">
/// <item>every line of a fenced block whose language is <c>sh</c>, <c>bash</c>, <c>shell</c> or <c>console</c> (in a
/// <c>console</c> block only the lines after a <c>$ </c> prompt, which is dropped; the others are output); a line
/// ending in <c>\</c> continues on the next; a trailing comment (<c>#</c> starting a word) is dropped; blank lines
/// are not commands;</item>
/// <item>every inline code span outside fenced blocks (a span may go over a line break, which reads as a space) whose
/// text starts with <c>dotnet </c>, <c>python3 </c>, <c>bash </c>, <c>./</c>, <c>nc </c>, <c>socat </c> or
/// <c>openssl </c>.</item>
/// </list>
/// The text is then normalised: runs of white space become one space, and the ends are trimmed. Two places showing
/// the same command are the same command.
/// </remarks>
public sealed partial record ShellCommand(string Page, int Line, string Text)
{
    /// <summary>The languages of fenced blocks whose lines are commands.</summary>
    public static readonly string[] ShellLanguages = ["sh", "bash", "shell", "console"];

    /// <summary>How an inline code span must start to count as a command.</summary>
    public static readonly string[] InlinePrefixes = ["dotnet ", "python3 ", "bash ", "./", "nc ", "socat ", "openssl "];

    /// <summary>Where the command is, as a reader finds it: <c>README.md:12</c>.</summary>
    public string Location => $"{Page}:{Line}";

    /// <summary>Every command of the pages the repository publishes: README.md, docs/**/*.md and bench/README.md.</summary>
    public static IReadOnlyList<ShellCommand> InDocumentation()
    {
        string root = ChildProcess.InRepository();
        IEnumerable<string> pages = [Path.Combine(root, "README.md"), Path.Combine(root, "bench", "README.md")];
        pages = pages.Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
        return [.. pages.SelectMany(page => Parse(Path.GetRelativePath(root, page), File.ReadAllLines(page)))];
    }

    /// <summary>The commands of one page, in order.</summary>
    public static IEnumerable<ShellCommand> Parse(string page, string[] lines)
    {
        MarkdownCodeBlock[] blocks = [.. MarkdownCodeBlock.Parse(page, lines)];
        var found = new List<ShellCommand>();

        // Fenced blocks: every line of a shell block; every other block's lines are blanked out of the prose.
        string[] prose = [.. lines];
        foreach (MarkdownCodeBlock block in blocks)
        {
            string[] code = block.Code.TrimEnd('\n').Split('\n');
            for (int i = block.Line - 1; i <= block.Line + code.Length && i < prose.Length; i++)
            {
                prose[i] = "";
            }

            if (ShellLanguages.Contains(block.Language))
            {
                found.AddRange(BlockCommands(block, code));
            }
        }

        // Inline code spans of the prose: the text between one backtick and the next, over at most one line break.
        string text = string.Join('\n', prose);
        foreach (Match span in InlineSpan().Matches(text))
        {
            string command = Normalise(span.Groups[1].Value);
            if (InlinePrefixes.Any(prefix => command.StartsWith(prefix, StringComparison.Ordinal)))
            {
                found.Add(new ShellCommand(page, 1 + text.AsSpan(0, span.Index).Count('\n'), command));
            }
        }

        return found.OrderBy(c => c.Line);
    }

    private static IEnumerable<ShellCommand> BlockCommands(MarkdownCodeBlock block, string[] code)
    {
        for (int i = 0; i < code.Length; i++)
        {
            int line = block.Line + 1 + i;
            string command = code[i];
            if (block.Language == "console")
            {
                if (!command.TrimStart().StartsWith("$ ", StringComparison.Ordinal))
                {
                    continue;
                }

                command = command.TrimStart()[2..];
            }

            while (command.TrimEnd().EndsWith('\\') && i + 1 < code.Length)
            {
                command = command.TrimEnd()[..^1] + " " + code[++i];
            }

            command = Normalise(TrailingComment().Replace(command, ""));
            if (command.Length > 0)
            {
                yield return new ShellCommand(block.Page, line, command);
            }
        }
    }

    /// <summary>White space collapsed to single spaces, ends trimmed.</summary>
    public static string Normalise(string command) => WhiteSpace().Replace(command, " ").Trim();

    [GeneratedRegex(@"(?:^|\s)#.*$")]
    private static partial Regex TrailingComment();

    [GeneratedRegex(@"(?<!`)`([^`\n]+(?:\n[^`\n]+)?)`(?!`)")]
    private static partial Regex InlineSpan();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
