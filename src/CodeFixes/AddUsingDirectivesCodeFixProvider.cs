using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SocketServer.Analyzers.Rules;

namespace SocketServer.Analyzers.CodeFixes;

/// <summary>
/// SSA009: adds the using directives the diagnostic names (<c>using SocketServer;</c>, <c>using static
/// SocketServer.Transport;</c>, <c>using static SocketServer.Concurrency;</c>) after the file's own, each once.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddUsingDirectivesCodeFixProvider)), Shared]
public sealed class AddUsingDirectivesCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticIds.UsingDirectiveMissing];

    /// <summary>
    /// All the directives a document's diagnostics ask for, added in one edit: fixed one by one, several attributes
    /// in a file would each add the same directive.
    /// </summary>
    public override FixAllProvider GetFixAllProvider() =>
        FixAllProvider.Create(async (context, document, diagnostics) =>
            await AddAsync(document, diagnostics.SelectMany(Directives), context.CancellationToken).ConfigureAwait(false));

    /// <inheritdoc/>
    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            string[] directives = [.. Directives(diagnostic)];
            if (directives.Length == 0)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    "Add " + string.Join(" ", directives),
                    cancellationToken => AddAsync(context.Document, directives, cancellationToken),
                    equivalenceKey: DiagnosticIds.UsingDirectiveMissing),
                diagnostic);
        }

        return Task.CompletedTask;
    }

    private static IEnumerable<string> Directives(Diagnostic diagnostic) =>
        diagnostic.Properties.TryGetValue(UsingDirectiveMissingAnalyzer.UsingsProperty, out string? value) && value is not null
            ? value.Split(UsingDirectiveMissingAnalyzer.Separator)
            : [];

    private static async Task<Document> AddAsync(Document document, IEnumerable<string> directives, CancellationToken cancellationToken)
    {
        if (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false) is not CompilationUnitSyntax root)
        {
            return document;
        }

        var present = new HashSet<string>(root.Usings.Select(Normalized));
        string[] added = [.. directives.Distinct().Where(d => !present.Contains(d))];
        if (added.Length == 0)
        {
            return document;
        }

        SyntaxTrivia newline = root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        if (!newline.IsKind(SyntaxKind.EndOfLineTrivia))
        {
            newline = SyntaxFactory.LineFeed;
        }

        List<UsingDirectiveSyntax> usings = [.. root.Usings];
        foreach (string directive in added)
        {
            // After the last directive that sorts before it (namespaces, then static imports, each by name), so the
            // directives land in the same order whether they are added one diagnostic at a time or all at once.
            UsingDirectiveSyntax parsed = SyntaxFactory.ParseCompilationUnit(directive).Usings[0].WithoutTrivia().WithTrailingTrivia(newline);
            int at = usings.FindLastIndex(u => Order(u).CompareTo(Order(parsed)) < 0) + 1;
            usings.Insert(at, parsed);
        }

        if (root.Usings.Count == 0)
        {
            // The file's first directives take over its leading comments (a header stays on top), and a blank line
            // separates them from the code.
            SyntaxToken first = root.GetFirstToken(includeZeroWidth: true);
            usings[0] = usings[0].WithLeadingTrivia(first.LeadingTrivia);
            root = root.ReplaceToken(first, first.WithLeadingTrivia(newline));
        }
        else if (usings[0] != root.Usings[0])
        {
            // A directive added in front: the header comments stay on top.
            int old = usings.IndexOf(root.Usings[0]);
            usings[0] = usings[0].WithLeadingTrivia(root.Usings[0].GetLeadingTrivia());
            usings[old] = usings[old].WithLeadingTrivia();
        }

        return document.WithSyntaxRoot(root.WithUsings(SyntaxFactory.List(usings)));
    }

    /// <summary>Where a directive sorts: namespaces before static imports, then by name.</summary>
    private static (int Kind, string Name) Order(UsingDirectiveSyntax directive) =>
        (directive.StaticKeyword.IsKind(SyntaxKind.None) ? 0 : 1, Normalized(directive));

    /// <summary>A directive as the analyzer writes it, however the file spells it (<c>global::</c>, spacing).</summary>
    private static string Normalized(UsingDirectiveSyntax directive)
    {
        if (directive.Alias is not null)
        {
            return string.Empty;
        }

        string name = directive.NamespaceOrType.ToString().Replace(" ", string.Empty);
        if (name.StartsWith("global::", System.StringComparison.Ordinal))
        {
            name = name.Substring("global::".Length);
        }

        return directive.StaticKeyword.IsKind(SyntaxKind.None) ? $"using {name};" : $"using static {name};";
    }
}
