namespace SocketServer.Samples.Tests.Documentation;

/// <summary>A fenced code block of a Markdown page: its language, where it starts, and its text.</summary>
public sealed record MarkdownCodeBlock(string Page, int Line, string Language, string Code)
{
    /// <summary>Where the block is, as a reader finds it: <c>README.md:31</c>.</summary>
    public string Location => $"{Page}:{Line}";

    /// <summary>
    /// The reason a C# block is not a whole program, if its first line says so (<c>// fragment: why</c>); null for a
    /// block that must compile as written.
    /// </summary>
    public string? FragmentReason
    {
        get
        {
            string first = Code.Split('\n', 2)[0].Trim();
            return first.StartsWith("// fragment:", StringComparison.Ordinal) ? first["// fragment:".Length..].Trim() : null;
        }
    }

    /// <summary>
    /// Every fenced block of the Markdown pages the repository publishes: README.md and docs/**/*.md, with paths
    /// relative to the repository's root. Blocks inside HTML <c>&lt;details&gt;</c> count as well.
    /// </summary>
    public static IReadOnlyList<MarkdownCodeBlock> InDocumentation()
    {
        string root = ChildProcess.InRepository();
        IEnumerable<string> pages = [Path.Combine(root, "README.md")];
        string docs = Path.Combine(root, "docs");
        if (Directory.Exists(docs))
        {
            pages = pages.Concat(Directory.GetFiles(docs, "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
        }

        return [.. pages.SelectMany(page => Parse(Path.GetRelativePath(root, page), File.ReadAllLines(page)))];
    }

    /// <summary>Reads the fenced blocks (``` or ~~~, with an optional language) of one page.</summary>
    public static IEnumerable<MarkdownCodeBlock> Parse(string page, string[] lines)
    {
        for (int i = 0; i < lines.Length; i++)
        {
            string opening = lines[i].TrimStart();
            if (!opening.StartsWith("```", StringComparison.Ordinal) && !opening.StartsWith("~~~", StringComparison.Ordinal))
            {
                continue;
            }

            string fence = opening[..3];
            string language = opening[3..].Trim();
            int indent = lines[i].Length - opening.Length;
            int start = i + 1;
            int end = start;
            while (end < lines.Length && !lines[end].TrimStart().StartsWith(fence, StringComparison.Ordinal))
            {
                end++;
            }

            Assert.True(end < lines.Length, $"{page}:{i + 1}: a code block is never closed.");
            string code = string.Join('\n', lines[start..end].Select(line => line.Length >= indent ? line[indent..] : line.TrimStart()));
            yield return new MarkdownCodeBlock(page, i + 1, language, code + "\n");
            i = end;
        }
    }
}
