using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using SocketServer.Generators.Model;
using SocketServer.Generators.Validation;

namespace SocketServer.Analyzers.Rules;

/// <summary>
/// SSA004: a stream handler on a datagram transport, or a datagram handler on a stream transport — in a
/// <c>[SocketServer(..., Handler = typeof(H))]</c>, or in a handler factory <c>() =&gt; new H()</c> passed to a server's constructor.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HandlerKindAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [Descriptors.HandlerDoesNotFitTransport];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (KnownTypes.TryCreate(start.Compilation) is not { StreamRequestHandler: not null, DatagramRequestHandler: not null } known)
            {
                return;
            }

            start.RegisterSymbolAction(symbol => AnalyzeDeclaration(symbol, known), SymbolKind.NamedType);
            start.RegisterOperationAction(operation => AnalyzeCreation(operation, known), OperationKind.ObjectCreation);
        });
    }

    private static void AnalyzeDeclaration(SymbolAnalysisContext context, KnownTypes known)
    {
        var server = (INamedTypeSymbol)context.Symbol;
        if (ServerComposition.Attribute(server, known) is not { } attribute
            || ServerComposition.FromAttribute(server, known) is not { } composition
            || ServerComposition.HandlerOf(attribute) is not { } handler)
        {
            return;
        }

        Location location = (attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) as AttributeSyntax)?.ArgumentList?.Arguments
            .FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "Handler")?.Expression.GetLocation()
            ?? server.Locations.First();
        Check(context.ReportDiagnostic, known, handler, server, composition, location);
    }

    private static void AnalyzeCreation(OperationAnalysisContext context, KnownTypes known)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        if (!known.IsServer(creation.Type) || ServerComposition.Of(creation.Type, known) is not { } composition)
        {
            return;
        }

        foreach (IArgumentOperation argument in creation.Arguments)
        {
            if (HandlerFactories.CreatedHandler(argument.Value) is { } created && created.Type is INamedTypeSymbol handler)
            {
                Check(context.ReportDiagnostic, known, handler, creation.Type!, composition, created.Syntax.GetLocation());
            }
        }
    }

    private static void Check(System.Action<Diagnostic> report, KnownTypes known, INamedTypeSymbol handler, ITypeSymbol server, ServerComposition composition, Location location)
    {
        bool stream = known.IsStreamHandler(handler);
        bool datagram = known.IsDatagramHandler(handler);
        if ((stream && !composition.IsStream) || (datagram && composition.IsStream))
        {
            bool isAsync = KnownTypes.DerivesFrom(handler, known.AsyncStreamRequestHandler) || KnownTypes.DerivesFrom(handler, known.AsyncDatagramRequestHandler);
            string prefix = isAsync ? "Async" : string.Empty;
            report(Diagnostic.Create(
                Descriptors.HandlerDoesNotFitTransport,
                location,
                handler.Name,
                prefix + (stream ? "StreamRequestHandler" : "DatagramRequestHandler"),
                server.Name,
                composition.TransportName,
                Transports.HandlerBase(composition.Transport, isAsync)));
        }
    }
}

/// <summary>Recognises the handler factories the runtime's constructors take: <c>() =&gt; new H()</c>.</summary>
internal static class HandlerFactories
{
    /// <summary>The <c>new H()</c> a factory argument returns, or null when the argument is not such a lambda.</summary>
    public static IObjectCreationOperation? CreatedHandler(IOperation argument)
    {
        IOperation value = Unwrap(argument);
        if (value is not IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda })
        {
            return null;
        }

        foreach (IOperation operation in lambda.Body.Operations)
        {
            if (operation is IReturnOperation { ReturnedValue: { } returned } && Unwrap(returned) is IObjectCreationOperation created)
            {
                return created;
            }
        }

        return null;
    }

    private static IOperation Unwrap(IOperation operation)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }
}
