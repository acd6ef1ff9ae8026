using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace SocketServer.Analyzers.Tests.Fuzzing;

/// <summary>
/// Makes broken variants of a valid file the way typing and editing do. On the tokens of Roslyn's lexer: deleting,
/// duplicating, swapping, replacing and truncating them, and inserting the fragments that break a
/// <c>[SocketServer(...)]</c> declaration in interesting ways (<c>null</c>, <c>typeof(</c>, stray punctuation,
/// <c>partial</c>, out-of-range <c>(Transport)N</c> casts); three positions in four are inside such an attribute,
/// where the generator and SSA007 read arguments. On the attribute's arguments, as the parser sees them: replacing,
/// adding or deleting one, or dropping a comma or a parenthesis (the typos whose recovery makes odd arguments).
/// On characters: splitting tokens in ways the lexer never would.
/// </summary>
public static class SourceMutator
{
    /// <summary>The fragments that break a declaration most often: inserted between tokens, or in place of some.</summary>
    private static readonly string[] Fragments = ["null", "typeof(", ",", ")", "partial", "[SocketServer("];

    /// <summary>Other fragments, used less often.</summary>
    private static readonly string[] MoreFragments =
    [
        "(", "]", "[", "{", "}", ";", "=", "static", "abstract", "sealed", "file", "record", "class", "struct", "<T>",
        "<>", "default", "new", "Handler =", "Handler = null", "typeof(LoggingMixIn)", "typeof(ThreadingMixIn)",
        "typeof(int)", "new System.Type[] { null }", "(System.Type[])null", "mixIns:", "transport:", "\"", "'", "=>",
        ".", "?", "!", "@", "#if X", "#endif", "/*", "//", "\n", "Tcp", "Udp", "UnixStream", "UnixDatagram", "Sync",
        "Threading", "Forking", "Async", "@class", "@event", "@int",
    ];

    /// <summary>Arguments that the generator must refuse and SSA007 explain: three argument edits in eight use one of these.</summary>
    private static readonly string[] LikelyArguments = ["null", "null", "(System.Type[])null", "typeof(int[])", "Handler = null", "default", "typeof("];

    /// <summary>What a user may put in place of an attribute argument, or add as one: every shape of type, null and array the compiler accepts, and some it does not.</summary>
    private static readonly string[] Arguments =
    [
        "null", "(System.Type[])null", "(Type[])null", "default", "default(System.Type[])", "default(Type)", "new System.Type[0]",
        "new System.Type[] { null }", "new[] { typeof(LoggingMixIn), null }", "[]", "[null]", "typeof(", "typeof()",
        "typeof(int)", "typeof(int[])", "typeof(int*)", "typeof(void)", "typeof(object)", "typeof(string[][])",
        "typeof(System.Collections.Generic.List<>)", "typeof(System.Collections.Generic.List<int>)", "typeof(Action<>)",
        "typeof(LoggingMixIn)", "typeof(EchoHandler)", "typeof(ThreadingMixIn)", "typeof(ServerMixIn)", "typeof(BaseRequestHandler)",
        "typeof(NoSuchType)", "typeof(T)", "Handler = null", "Handler = default", "Handler = typeof(", "Handler = typeof(int[])",
        "Handler = typeof(EchoHandler)", "Handler = typeof(UpperHandler)", "Handler = typeof(LineHandler)", "Handler = typeof(void)",
        "Handler = new System.Type[0]", "Handler = (System.Type)null", "Handler", "Handler = Handler", "mixIns: null",
        "mixIns: typeof(LoggingMixIn)", "transport: Tcp", "concurrency: Threading", "concurrency: (Concurrency)9", "Tcp", "Udp",
        "UnixStream", "UnixDatagram", "Sync", "Threading", "Forking", "Async", "\"tcp\"", "1", "-1", "1.5", "nameof(Tcp)",
        "Transport.Tcp | Transport.Udp", "(Transport)(Concurrency)1", "Tcp + 1", "sizeof(int)", "x => x", "new()", "this",
    ];

    /// <summary>Characters inserted alone: they split tokens, open strings and comments, start directives.</summary>
    private const string Characters = "()[]{},;:<>=\"'/\\@#$.?!*\n ";

    private static readonly string[] Transports = ["Tcp", "Udp", "UnixStream", "UnixDatagram"];

    private static readonly string[] Concurrencies = ["Sync", "Threading", "Forking", "Async"];

    /// <summary>The mutations, the likelier ones listed more than once.</summary>
    private static readonly string[] Kinds =
    [
        "argument", "argument", "argument", "argument", "argument", "argument", "argument", "argument", "argument", "argument",
        "insert", "insert", "insert", "replace", "replace",
        "delete", "delete", "delete-run", "duplicate", "swap-adjacent", "swap", "insert-cast", "replace-with-cast",
        "truncate", "delete-chars", "insert-char", "truncate-chars",
    ];

    /// <summary>Variant <paramref name="index"/> of a run: one to three edits of one of <paramref name="seeds"/>.</summary>
    public static Mutant Mutate(IReadOnlyList<string> seeds, int runSeed, int index)
    {
        var random = new Random(unchecked((runSeed * 1_000_003) + index));
        int seedFile = index % seeds.Count;
        string source = seeds[seedFile];
        var mutations = new List<string>();

        // Mostly one edit, so that a variant is often wrong in one place only (and the rest of the file still binds).
        int count = random.Next(10) switch { < 5 => 1, < 8 => 2, _ => 3 };
        for (int i = 0; i < count && source.Length > 0; i++)
        {
            source = MutateOnce(source, random, out string mutation);
            mutations.Add(mutation);
        }

        return new Mutant(runSeed, index, seedFile, mutations, source);
    }

    private static string MutateOnce(string source, Random random, out string mutation)
    {
        List<Piece> pieces = Lex(source);
        int tokenCount = pieces.Count - 1; // the last piece is the end of file, which has no text
        if (tokenCount < 2)
        {
            mutation = "truncate-chars";
            return source[..random.Next(source.Length)];
        }

        int At() => PickToken(pieces, tokenCount, random);
        string kind = Kinds[random.Next(Kinds.Length)];
        switch (kind)
        {
            case "delete":
            {
                int at = At();
                mutation = Say(kind, at, pieces[at].Text);
                pieces[at] = pieces[at] with { Text = string.Empty };
                break;
            }

            case "delete-run":
            {
                int at = At();
                int length = Math.Min(2 + random.Next(4), tokenCount - at);
                mutation = $"{kind} {length} tokens from {at} '{pieces[at].Text}'";
                for (int i = at; i < at + length; i++)
                {
                    pieces[i] = pieces[i] with { Text = string.Empty };
                }

                break;
            }

            case "duplicate":
            {
                int at = At();
                mutation = Say(kind, at, pieces[at].Text);
                pieces[at] = pieces[at] with { Text = pieces[at].Text + " " + pieces[at].Text };
                break;
            }

            case "swap-adjacent" or "swap":
            {
                int at = Math.Min(At(), tokenCount - 2);
                int other = kind == "swap" ? random.Next(tokenCount) : at + 1;
                mutation = $"{kind} {at} '{pieces[at].Text}' with {other} '{pieces[other].Text}'";
                (string first, string second) = (pieces[at].Text, pieces[other].Text);
                pieces[at] = pieces[at] with { Text = second };
                pieces[other] = pieces[other] with { Text = first };
                break;
            }

            case "replace":
            {
                int at = At();
                string fragment = Fragment(random);
                mutation = $"{kind} {at} '{pieces[at].Text}' with '{fragment}'";
                pieces[at] = pieces[at] with { Text = fragment };
                break;
            }

            case "insert":
            case "insert-cast":
            {
                int at = At();
                string fragment = kind == "insert" ? Fragment(random) : Cast(random);
                mutation = $"{kind} '{fragment}' before {at} '{pieces[at].Text}'";
                pieces[at] = pieces[at] with { Text = " " + fragment + " " + pieces[at].Text };
                break;
            }

            case "replace-with-cast":
            {
                // Prefer an argument that names a transport or a concurrency: its cast is what a user would write.
                int[] named = Enumerable.Range(0, tokenCount).Where(i => Transports.Contains(pieces[i].Text) || Concurrencies.Contains(pieces[i].Text)).ToArray();
                int at = named.Length > 0 ? named[random.Next(named.Length)] : At();
                string cast = Cast(random);
                mutation = $"{kind} {at} '{pieces[at].Text}' with '{cast}'";
                pieces[at] = pieces[at] with { Text = cast };
                break;
            }

            case "truncate":
            {
                int at = At();
                mutation = Say(kind, at, pieces[at].Text);
                pieces.RemoveRange(at, tokenCount - at);
                break;
            }

            case "argument":
                return MutateArgument(source, random, out mutation) ?? InsertAnywhere(source, random, out mutation);

            default:
                return MutateCharacters(source, kind, random, out mutation);
        }

        return Join(pieces);
    }

    /// <summary>
    /// Edits one argument of a <c>[SocketServer(...)]</c> attribute the way a user does: replaces it, adds one before
    /// it, deletes it, drops the comma after it, or drops a parenthesis. Null when the file has no such attribute.
    /// </summary>
    private static string? MutateArgument(string source, Random random, out string mutation)
    {
        List<AttributeArgumentListSyntax> lists = CSharpSyntaxTree.ParseText(source).GetRoot().DescendantNodes()
            .OfType<AttributeSyntax>()
            .Where(a => a.Name.ToString().Contains("SocketServer", StringComparison.Ordinal) && a.ArgumentList is not null)
            .Select(a => a.ArgumentList!)
            .ToList();
        if (lists.Count == 0)
        {
            mutation = string.Empty;
            return null;
        }

        AttributeArgumentListSyntax list = lists[random.Next(lists.Count)];
        SeparatedSyntaxList<AttributeArgumentSyntax> arguments = list.Arguments;
        int i = random.Next(arguments.Count + 1);
        string argument = random.Next(8) switch
        {
            < 3 => LikelyArguments[random.Next(LikelyArguments.Length)],
            3 => Cast(random),
            _ => Arguments[random.Next(Arguments.Length)],
        };
        switch (random.Next(20))
        {
            case < 7 when i < arguments.Count:
                mutation = $"argument: replace '{arguments[i]}' with '{argument}'";
                return Splice(source, arguments[i].Span, argument);
            case < 13:
                mutation = $"argument: add '{argument}' as argument {i}";
                return i < arguments.Count ? source.Insert(arguments[i].SpanStart, argument + ", ")
                    : arguments.Count > 0 ? source.Insert(arguments[^1].Span.End, ", " + argument)
                    : source.Insert(list.OpenParenToken.Span.End, argument);
            case < 16 when i < arguments.Count:
            {
                // The argument and one comma next to it, as deleting it in an editor would.
                TextSpan span = arguments[i].Span;
                if (i < arguments.SeparatorCount)
                {
                    span = TextSpan.FromBounds(span.Start, arguments.GetSeparator(i).Span.End);
                }
                else if (i > 0)
                {
                    span = TextSpan.FromBounds(arguments.GetSeparator(i - 1).SpanStart, span.End);
                }

                mutation = $"argument: delete '{arguments[i]}'";
                return Splice(source, span, string.Empty);
            }

            case < 18 when arguments.SeparatorCount > 0:
            {
                SyntaxToken comma = arguments.GetSeparator(random.Next(arguments.SeparatorCount));
                mutation = $"argument: drop the comma at {comma.SpanStart}";
                return Splice(source, comma.Span, " ");
            }

            default:
            {
                SyntaxToken parenthesis = random.Next(2) == 0 ? list.CloseParenToken : list.OpenParenToken;
                mutation = $"argument: drop '{parenthesis.Text}' at {parenthesis.SpanStart}";
                return Splice(source, parenthesis.Span, " ");
            }
        }
    }

    private static string InsertAnywhere(string source, Random random, out string mutation)
    {
        int at = random.Next(source.Length + 1);
        string fragment = Fragment(random);
        mutation = $"insert '{fragment}' at character {at}";
        return source.Insert(at, " " + fragment + " ");
    }

    private static string Splice(string source, TextSpan span, string replacement) =>
        source[..span.Start] + replacement + source[span.End..];

    private static string Fragment(Random random) =>
        random.Next(5) < 3 ? Fragments[random.Next(Fragments.Length)] : MoreFragments[random.Next(MoreFragments.Length)];

    private static string MutateCharacters(string source, string kind, Random random, out string mutation)
    {
        int at = random.Next(source.Length);
        switch (kind)
        {
            case "delete-chars":
                int length = Math.Min(1 + random.Next(12), source.Length - at);
                mutation = $"{kind} {length} at {at} '{source.Substring(at, length)}'";
                return source.Remove(at, length);
            case "insert-char":
                char c = Characters[random.Next(Characters.Length)];
                mutation = $"{kind} '{c}' at {at}";
                return source.Insert(at, c.ToString());
            default:
                mutation = $"{kind} at {at}";
                return source[..at];
        }
    }

    /// <summary><c>(Transport)N</c> or <c>(Concurrency)N</c>, with N in range, just out of it, or far out (and sometimes unparenthesised).</summary>
    private static string Cast(Random random)
    {
        int n = random.Next(7) switch
        {
            0 => random.Next(-3, 9),
            1 => int.MaxValue,
            2 => int.MinValue,
            3 => random.Next(),
            4 => -random.Next(),
            _ => random.Next(4),
        };
        string type = random.Next(2) == 0 ? "Transport" : "Concurrency";
        string value = n.ToString(CultureInfo.InvariantCulture);
        return n < 0 && random.Next(3) != 0 ? $"({type})({value})" : $"({type}){value}";
    }

    /// <summary>A token position: half the time inside a <c>[SocketServer(...)]</c> attribute, when the file has one.</summary>
    private static int PickToken(List<Piece> pieces, int tokenCount, Random random)
    {
        if (random.Next(4) != 0)
        {
            List<int> hot = AttributeTokens(pieces, tokenCount);
            if (hot.Count > 0)
            {
                return hot[random.Next(hot.Count)];
            }
        }

        return random.Next(tokenCount);
    }

    /// <summary>The tokens from each <c>[</c> followed by <c>SocketServer</c> up to the next <c>]</c>.</summary>
    private static List<int> AttributeTokens(List<Piece> pieces, int tokenCount)
    {
        var hot = new List<int>();
        for (int i = 0; i + 1 < tokenCount; i++)
        {
            if (pieces[i].Text == "[" && pieces[i + 1].Text == "SocketServer")
            {
                for (int j = i; j < tokenCount && (j == i || pieces[j - 1].Text != "]"); j++)
                {
                    hot.Add(j);
                }
            }
        }

        return hot;
    }

    private static string Say(string kind, int at, string text) => $"{kind} {at} '{text}'";

    /// <summary>The file as the lexer's tokens, each with its trivia, so that edits keep spacing, newlines and comments.</summary>
    private static List<Piece> Lex(string source) =>
        SyntaxFactory.ParseTokens(source)
            .Select(token => new Piece(token.LeadingTrivia.ToFullString(), token.Text, token.TrailingTrivia.ToFullString()))
            .ToList();

    private static string Join(List<Piece> pieces)
    {
        var text = new StringBuilder();
        foreach (Piece piece in pieces)
        {
            text.Append(piece.Leading).Append(piece.Text).Append(piece.Trailing);
        }

        return text.ToString();
    }

    private sealed record Piece(string Leading, string Text, string Trailing);
}
