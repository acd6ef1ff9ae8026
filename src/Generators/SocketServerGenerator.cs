using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SocketServer.Generators.Emitting;
using SocketServer.Generators.Model;
using SocketServer.Generators.Parsing;

namespace SocketServer.Generators;

/// <summary>
/// Composes every <c>partial</c> class marked <c>[SocketServer(...)]</c> into a server type: one generated file
/// per class. Parsing builds an equatable <see cref="ServerModel"/> (cached across edits); emitting turns it into
/// text. Input it cannot compose produces nothing.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class SocketServerGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ServerModel> servers = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                RuntimeTypeNames.SocketServerAttribute,
                predicate: static (node, _) => node is ClassDeclarationSyntax,
                transform: static (attributeContext, cancellationToken) => ServerParser.Parse(attributeContext, cancellationToken))
            .WithTrackingName(TrackingNames.Parsed)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(TrackingNames.Composable);

        context.RegisterSourceOutput(servers, static (output, model) => output.AddSource(model.HintName, ServerEmitter.Emit(model)));
    }
}
