using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SocketServer.Analyzers.Rules;
using SocketServer.Generators.Model;

namespace SocketServer.Analyzers.CodeFixes;

/// <summary>
/// SSA008: removes a constructor or a step that the generated part writes too, as the message advises; the generated
/// one then takes its place. Not offered for a primary constructor or a setting, whose fix needs the user's decision.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveCollidingMemberCodeFixProvider)), Shared]
public sealed class RemoveCollidingMemberCodeFixProvider : CodeFixProvider
{
    /// <summary>The equivalence key of the fix, the same for every member so that fix-all removes them all.</summary>
    public const string Key = DiagnosticIds.GeneratedMemberCollision + ".Remove";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticIds.GeneratedMemberCollision];

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(GeneratedMemberCollisionAnalyzer.KindProperty, out string? kind)
                || kind is not (nameof(CollisionKind.Constructor) or nameof(CollisionKind.Step))
                || root?.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.AncestorsAndSelf().OfType<MemberDeclarationSyntax>().FirstOrDefault()
                    is not { } member
                || member is not (BaseMethodDeclarationSyntax or BasePropertyDeclarationSyntax))
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    kind == nameof(CollisionKind.Constructor) ? "Remove the constructor: the generated one takes its place" : "Remove the member: the generated override takes its place",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(Remove(root, member))),
                    equivalenceKey: Key),
                diagnostic);
        }
    }

    /// <summary>
    /// Removes the member with its own lines (its comments go with it), keeping preprocessor directives that other code
    /// needs. The blank line before the next member separated it from the removed one: when the removed one was the
    /// first, that line goes too, so the type's body does not start with a blank line.
    /// </summary>
    private static SyntaxNode Remove(SyntaxNode root, MemberDeclarationSyntax member)
    {
        if (member.Parent is TypeDeclarationSyntax type && type.Members.IndexOf(member) is 0 && type.Members.Count > 1)
        {
            MemberDeclarationSyntax next = type.Members[1];
            SyntaxTriviaList leading = next.GetLeadingTrivia();
            int blank = 0;
            while (blank < leading.Count && leading[blank].IsKind(SyntaxKind.EndOfLineTrivia))
            {
                blank++;
            }

            root = root.ReplaceNode(next, next.WithLeadingTrivia(leading.Skip(blank)));
            member = root.FindNode(member.Span, getInnermostNodeForTie: false).AncestorsAndSelf().OfType<MemberDeclarationSyntax>().First();
        }

        return root.RemoveNode(member, SyntaxRemoveOptions.KeepUnbalancedDirectives) ?? root;
    }
}
