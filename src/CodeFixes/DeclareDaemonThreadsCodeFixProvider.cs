using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace SocketServer.Analyzers.CodeFixes;

/// <summary>
/// SSA005: declares the decision in the partial class: <c>public bool DaemonThreads { get; set; } = false;</c> (or
/// <c>true</c>). A settable property, not <c>=&gt; false</c>: an expression body that reads no instance data raises CA1822
/// ("can be marked static"), and a static member would not be the server's setting; this one also lets a caller change it.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DeclareDaemonThreadsCodeFixProvider)), Shared]
public sealed class DeclareDaemonThreadsCodeFixProvider : CodeFixProvider
{
    /// <summary>Equivalence key of the "wait for request threads" fix.</summary>
    public const string WaitKey = DiagnosticIds.DaemonThreadsUndecided + ".Wait";

    /// <summary>Equivalence key of the "do not wait" fix.</summary>
    public const string DoNotWaitKey = DiagnosticIds.DaemonThreadsUndecided + ".DoNotWait";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticIds.DaemonThreadsUndecided];

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (root?.FindToken(diagnostic.Location.SourceSpan.Start).Parent is not ClassDeclarationSyntax declaration)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    "Declare DaemonThreads = false (the process waits for running requests at exit)",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(declaration, Declare(declaration, daemon: false)))),
                    equivalenceKey: WaitKey),
                diagnostic);
            context.RegisterCodeFix(
                CodeAction.Create(
                    "Declare DaemonThreads = true (the process does not wait for running requests)",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(declaration, Declare(declaration, daemon: true)))),
                    equivalenceKey: DoNotWaitKey),
                diagnostic);
        }
    }

    private static ClassDeclarationSyntax Declare(ClassDeclarationSyntax declaration, bool daemon)
    {
        MemberDeclarationSyntax setting = SyntaxFactory.ParseMemberDeclaration($"public bool DaemonThreads {{ get; set; }} = {(daemon ? "true" : "false")};")!
            .WithAdditionalAnnotations(Formatter.Annotation);

        // 'partial class S;' has no body yet: give it one.
        if (declaration.OpenBraceToken.IsKind(SyntaxKind.None))
        {
            declaration = declaration
                .WithSemicolonToken(default)
                .WithOpenBraceToken(SyntaxFactory.Token(SyntaxKind.OpenBraceToken))
                .WithCloseBraceToken(SyntaxFactory.Token(SyntaxKind.CloseBraceToken).WithTrailingTrivia(declaration.SemicolonToken.TrailingTrivia));
        }

        if (declaration.Members.Count > 0)
        {
            // A blank line between the last member and the new one, in the file's own line ending.
            SyntaxTrivia newline = declaration.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
            setting = setting.WithLeadingTrivia(newline.IsKind(SyntaxKind.EndOfLineTrivia) ? newline : SyntaxFactory.LineFeed);
        }

        return declaration.AddMembers(setting).WithAdditionalAnnotations(Formatter.Annotation);
    }
}
