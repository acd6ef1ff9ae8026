using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace SocketServer.Analyzers.Rules;

/// <summary>
/// SSA009: <c>[SocketServer(Tcp, Threading, ...)]</c> in a file without the using directives it needs. Without
/// <c>using SocketServer;</c> the name <c>SocketServer</c> is the namespace, and the compiler says only
/// "'SocketServer' is not an attribute class" (CS0616); without <c>using static SocketServer.Transport;</c> (or
/// <c>.Concurrency</c>) it says "the name 'Tcp' does not exist" (CS0103). Neither names the directive to add; this
/// does, and its fix adds them.
/// </summary>
/// <remarks>
/// An error: it only fires on code the compiler already rejects, so the severity changes no build's outcome, and an
/// error sits in the editor's error list next to the compiler errors it explains. The compiler stops at declaration
/// errors before it runs analyzers, so a command-line build never shows it; the editor runs analyzers regardless.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UsingDirectiveMissingAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The diagnostic property holding the directives to add, separated by <see cref="Separator"/>.</summary>
    public const string UsingsProperty = "Usings";

    /// <summary>Separates the directives in <see cref="UsingsProperty"/>.</summary>
    public const char Separator = '|';

    /// <summary>The directive that imports the runtime's types, the attribute among them.</summary>
    public const string ImportRuntime = "using SocketServer;";

    private const string ImportTransport = "using static SocketServer.Transport;";

    private const string ImportConcurrency = "using static SocketServer.Concurrency;";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [Descriptors.UsingDirectiveMissing];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            // Only where the runtime is referenced, and only if no other type in the code could be the attribute meant.
            if (KnownTypes.TryCreate(start.Compilation) is not { SocketServerAttribute: { } attribute }
                || start.Compilation.GetSymbolsWithName(n => n is "SocketServer" or "SocketServerAttribute", SymbolFilter.Type).Any())
            {
                return;
            }

            var names = new RuntimeNames(start.Compilation);
            start.RegisterSyntaxNodeAction(node => Analyze(node, attribute, names), SyntaxKind.Attribute);
        });
    }

    private static void Analyze(SyntaxNodeAnalysisContext context, INamedTypeSymbol runtimeAttribute, RuntimeNames names)
    {
        var attribute = (AttributeSyntax)context.Node;
        ITypeSymbol? bound = context.SemanticModel.GetTypeInfo(attribute, context.CancellationToken).Type;
        bool ours = SymbolEqualityComparer.Default.Equals(bound, runtimeAttribute);
        string? name = (attribute.Name as IdentifierNameSyntax)?.Identifier.ValueText;
        bool unbound = !ours && bound is null or { TypeKind: TypeKind.Error } && name is "SocketServer" or "SocketServerAttribute";
        if (!ours && !unbound)
        {
            return; // another attribute, the user's own included
        }

        var missing = new List<string>();
        var directives = new SortedSet<string>(System.StringComparer.Ordinal);
        var errors = new SortedSet<string>(System.StringComparer.Ordinal);
        if (unbound)
        {
            missing.Add("the attribute SocketServer.SocketServerAttribute");
            directives.Add(ImportRuntime);
            errors.Add(name == "SocketServer" ? "CS0616" : "CS0246");
        }

        foreach (IdentifierNameSyntax identifier in UnboundNames(attribute, context))
        {
            string text = identifier.Identifier.ValueText;
            if (names.Import(text) is not { } import || missing.Contains(import.FullName))
            {
                continue;
            }

            missing.Add(import.FullName);
            directives.Add(import.Directive);
            errors.Add(SyntaxFacts.IsInTypeOnlyContext(identifier) ? "CS0246" : "CS0103");
        }

        if (directives.Count == 0)
        {
            return;
        }

        // In the order a file lists them: the namespace, then the static imports.
        string[] ordered = [.. directives.OrderBy(d => d.StartsWith("using static", System.StringComparison.Ordinal) ? 1 : 0).ThenBy(d => d, System.StringComparer.Ordinal)];
        ImmutableDictionary<string, string?> properties = ImmutableDictionary<string, string?>.Empty.Add(UsingsProperty, string.Join(Separator.ToString(), ordered));
        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.UsingDirectiveMissing,
            attribute.GetLocation(),
            properties,
            string.Join(", ", missing),
            Join(errors),
            Join(ordered.Select(d => $"'{d}'"))));
    }

    /// <summary>Names in the arguments that bind to nothing: <c>Tcp</c>, <c>Transport</c> in <c>Transport.Tcp</c>, <c>ThreadingMixIn</c> in a typeof.</summary>
    private static IEnumerable<IdentifierNameSyntax> UnboundNames(AttributeSyntax attribute, SyntaxNodeAnalysisContext context)
    {
        if (attribute.ArgumentList is null)
        {
            yield break;
        }

        foreach (IdentifierNameSyntax identifier in attribute.ArgumentList.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            bool isLeftmost = identifier.Parent switch
            {
                MemberAccessExpressionSyntax access => access.Expression == identifier,
                QualifiedNameSyntax qualified => qualified.Left == identifier,
                NameEqualsSyntax or NameColonSyntax => false,
                _ => true,
            };
            if (isLeftmost && context.SemanticModel.GetSymbolInfo(identifier, context.CancellationToken) is { Symbol: null, CandidateSymbols.IsEmpty: true })
            {
                yield return identifier;
            }
        }
    }

    private static string Join(IEnumerable<string> items)
    {
        string[] all = [.. items];
        return all.Length <= 1 ? string.Concat(all) : string.Join(", ", all.Take(all.Length - 1)) + " and " + all[all.Length - 1];
    }

    /// <summary>The runtime's names a file imports with a using directive, and the directive that imports each.</summary>
    private sealed class RuntimeNames
    {
        private readonly Dictionary<string, (string FullName, string Directive)> _imports = new(System.StringComparer.Ordinal);

        public RuntimeNames(Compilation compilation)
        {
            AddMembers(compilation.GetTypeByMetadataName("SocketServer.Transport"), ImportTransport);
            AddMembers(compilation.GetTypeByMetadataName("SocketServer.Concurrency"), ImportConcurrency);
            if (compilation.GetTypeByMetadataName("SocketServer.BaseServer")?.ContainingNamespace is { } runtime)
            {
                foreach (INamedTypeSymbol type in runtime.GetTypeMembers())
                {
                    if (type.DeclaredAccessibility == Accessibility.Public && !_imports.ContainsKey(type.Name))
                    {
                        _imports[type.Name] = ($"SocketServer.{type.Name}", ImportRuntime);
                    }
                }
            }
        }

        public (string FullName, string Directive)? Import(string name) =>
            _imports.TryGetValue(name, out (string FullName, string Directive) import) ? import : null;

        private void AddMembers(INamedTypeSymbol? enumType, string directive)
        {
            foreach (IFieldSymbol member in enumType?.GetMembers().OfType<IFieldSymbol>() ?? [])
            {
                _imports[member.Name] = ($"SocketServer.{enumType!.Name}.{member.Name}", directive);
            }
        }
    }
}
