using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SocketServer.Analyzers.Rules;

namespace SocketServer.Analyzers.CodeFixes;

/// <summary>
/// SSA001: <c>Server.Shutdown()</c> becomes <c>_ = Server.ShutdownAsync()</c>, which asks the loop to stop without
/// waiting for it, so it may run on the serving thread. Not offered in a Forking child, where nothing serves.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseShutdownAsyncCodeFixProvider)), Shared]
public sealed class UseShutdownAsyncCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticIds.ShutdownOnServingThread];

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.ContainsKey(ShutdownOnServingThreadAnalyzer.UseShutdownAsyncProperty)
                || root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax invocation
                || invocation.Parent is not (ExpressionStatementSyntax or ArrowExpressionClauseSyntax)
                || invocation.Expression is not (MemberAccessExpressionSyntax or IdentifierNameSyntax))
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    "Call ShutdownAsync() and do not wait for it",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(invocation, WithoutWaiting(invocation)))),
                    equivalenceKey: DiagnosticIds.ShutdownOnServingThread),
                diagnostic);
        }
    }

    /// <summary><c>_ = receiver.ShutdownAsync()</c>: the discard says the task is deliberately not awaited.</summary>
    private static AssignmentExpressionSyntax WithoutWaiting(InvocationExpressionSyntax call)
    {
        SimpleNameSyntax name = SyntaxFactory.IdentifierName("ShutdownAsync");
        ExpressionSyntax callee = call.Expression is MemberAccessExpressionSyntax access
            ? access.WithName(name.WithTriviaFrom(access.Name))
            : name.WithTriviaFrom(call.Expression);
        return SyntaxFactory.AssignmentExpression(
                SyntaxKind.SimpleAssignmentExpression,
                SyntaxFactory.IdentifierName("_"),
                SyntaxFactory.Token(SyntaxKind.EqualsToken).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(SyntaxFactory.Space),
                call.WithExpression(callee).WithoutTrivia())
            .WithTriviaFrom(call);
    }
}
