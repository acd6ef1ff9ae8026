using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace SocketServer.Analyzers.CodeFixes;

/// <summary>SSA001: runs the <c>Shutdown()</c> call on the thread pool: <c>_ = Task.Run(() =&gt; server.Shutdown());</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MoveShutdownOffServingThreadCodeFixProvider)), Shared]
public sealed class MoveShutdownOffServingThreadCodeFixProvider : CodeFixProvider
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
            if (root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax invocation
                || invocation.Parent is not (ExpressionStatementSyntax or ArrowExpressionClauseSyntax))
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    "Call Shutdown() on another thread (Task.Run)",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(invocation, OnThreadPool(invocation)))),
                    equivalenceKey: DiagnosticIds.ShutdownOnServingThread),
                diagnostic);
        }
    }

    /// <summary><c>_ = System.Threading.Tasks.Task.Run(() =&gt; call)</c>, simplified to <c>Task</c> where a using allows.</summary>
    private static AssignmentExpressionSyntax OnThreadPool(InvocationExpressionSyntax call)
    {
        ExpressionSyntax taskRun = SyntaxFactory.ParseExpression("global::System.Threading.Tasks.Task.Run")
            .WithAdditionalAnnotations(Simplifier.Annotation);
        InvocationExpressionSyntax run = SyntaxFactory.InvocationExpression(
            taskRun,
            SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(
                SyntaxFactory.Argument(SyntaxFactory.ParenthesizedLambdaExpression(call.WithoutTrivia())))));
        return SyntaxFactory.AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, SyntaxFactory.IdentifierName("_"), run)
            .WithTriviaFrom(call)
            .WithAdditionalAnnotations(Formatter.Annotation);
    }
}
