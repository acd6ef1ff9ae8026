using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

using SocketServer.Generators.Model;

namespace SocketServer.Analyzers.Rules;

/// <summary>
/// SSA007: a <c>[SocketServer]</c> declaration the generator cannot compose: out-of-range arguments, a class that
/// cannot be a server (static, a record, file-local or in a file-local type), a second concurrency mix-in (a composed
/// base class, or a concurrency helper listed as a mix-in), a null mix-in list or entry, a mix-in listed twice or
/// that is not a creatable <c>ServerMixIn</c> (an array type is not one), a null handler, a handler that is not a
/// creatable request handler.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class InvalidCompositionAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [Descriptors.InvalidComposition];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (KnownTypes.TryCreate(start.Compilation) is { SocketServerAttribute: not null } known)
            {
                start.RegisterSymbolAction(symbol => Analyze(symbol, known), SymbolKind.NamedType);
            }
        });
    }

    private static void Analyze(SymbolAnalysisContext context, KnownTypes known)
    {
        var server = (INamedTypeSymbol)context.Symbol;
        if (ServerComposition.Attribute(server, known) is not { } attribute)
        {
            return;
        }

        var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) as AttributeSyntax;
        Location where = syntax?.GetLocation() ?? server.Locations.FirstOrDefault() ?? Location.None;
        void Report(string problem, Location? at = null) =>
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.InvalidComposition, at ?? where, server.Name, problem));

        ImmutableArray<TypedConstant> arguments = attribute.ConstructorArguments;
        if (arguments.Length >= 2)
        {
            if (ServerComposition.IntArgument(arguments[0]) is int transport && !known.IsTransport(transport))
            {
                Report($"{transport} is not a Transport: name one of Tcp, Udp, UnixStream or UnixDatagram", Positional(syntax, 0));
            }

            if (ServerComposition.IntArgument(arguments[1]) is int concurrency && !known.IsConcurrency(concurrency))
            {
                Report($"{concurrency} is not a Concurrency: name one of {Names(known.Concurrencies.Select(m => m.Name))}", Positional(syntax, 1));
            }
        }

        if (server.IsStatic)
        {
            Report($"a static class cannot be a server, which is an object the program creates: remove 'static' (write 'public partial class {server.Name}')");
        }
        else if (server.IsRecord)
        {
            Report($"a record cannot derive from a server class: declare a class ('public partial class {server.Name}') and keep any data in its properties");
        }

        if (server.IsFileLocal)
        {
            Report("a file-local class cannot be a server: the generator adds the rest of the class in a file of its own; replace 'file' with 'internal'");
        }
        else if (FileLocalContainer(server) is { } container)
        {
            Report($"it is declared in file-local '{container.Name}', and the generator adds the rest of the class in a file of its own; replace 'file' on '{container.Name}' with 'internal', or move the server out of it");
        }

        CheckBase(server, known, arguments, Report);

        if (arguments.Length == 3 && arguments[2].Kind == TypedConstantKind.Array)
        {
            CheckMixIns(arguments, syntax, server, known, context.Compilation, Report);
        }

        TypedConstant handlerArgument = attribute.NamedArguments.FirstOrDefault(n => n.Key == "Handler").Value;
        if (handlerArgument.Kind == TypedConstantKind.Type && handlerArgument.IsNull)
        {
            Report($"the handler is null: name one with 'Handler = typeof(MyHandler)', or drop 'Handler =' and pass a factory to the constructor: 'new {server.Name}(address, () => new MyHandler())'", Named(syntax, "Handler"));
        }
        else if (handlerArgument.Kind == TypedConstantKind.Type && handlerArgument.Value is ITypeSymbol and not INamedTypeSymbol)
        {
            Report($"'{Display(handlerArgument)}' is not a request handler: name a class derived from {HandlerBase(arguments)}", Named(syntax, "Handler"));
        }
        else if (ServerComposition.HandlerOf(attribute) is { } handler
            && HandlerProblem(handler, known, arguments, server, context.Compilation) is { } handlerProblem)
        {
            Report(handlerProblem, Named(syntax, "Handler"));
        }
    }

    /// <summary>The user mix-ins: a null list (which has no entries to read), null entries, duplicates, types that are not creatable mix-ins.</summary>
    private static void CheckMixIns(ImmutableArray<TypedConstant> arguments, AttributeSyntax? syntax, INamedTypeSymbol server, KnownTypes known, Compilation compilation, System.Action<string, Location?> report)
    {
        TypedConstant list = arguments[2];
        if (list.IsNull)
        {
            report(CommaMissingBefore(syntax, 2)
                ? "the mix-in list is null: a comma is missing before 'null', so 'null' is read as the whole mix-in list; remove 'null', or name mix-ins with typeof(MyMixIn)"
                : "the mix-in list is null: name mix-ins with typeof(MyMixIn), or leave the argument out for none", Positional(syntax, 2));
            return;
        }

        var seen = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
        for (int i = 0; i < list.Values.Length; i++)
        {
            TypedConstant entry = list.Values[i];
            Location? at = Positional(syntax, 2 + i);
            if (entry.Kind == TypedConstantKind.Type && entry.IsNull)
            {
                report("a mix-in entry is null: name a mix-in with typeof(MyMixIn), or remove the entry", at);
            }
            else if (entry.Kind == TypedConstantKind.Type && entry.Value is ITypeSymbol and not INamedTypeSymbol)
            {
                report($"'{Display(entry)}' is not a ServerMixIn: name a class derived from ServerMixIn, or remove the entry", at);
            }
            else if (entry.Kind == TypedConstantKind.Type && entry.Value is INamedTypeSymbol mixIn)
            {
                if (!seen.Add(mixIn))
                {
                    report($"the mix-in '{mixIn.Name}' is listed twice: remove the second 'typeof({mixIn.Name})'", at);
                }
                else if (MixInChain.ConcurrencyMembers(compilation).FirstOrDefault(m => SymbolEqualityComparer.Default.Equals(m.MixIn, mixIn)) is { } member)
                {
                    string concurrency = member.Name;
                    string transport = ServerComposition.IntArgument(arguments[0]) is int t && known.IsTransport(t) ? ((Transport)t).ToString() : "Tcp";
                    report($"'{mixIn.Name}' is a concurrency mix-in, not a user mix-in: remove 'typeof({mixIn.Name})' and put {concurrency} in the concurrency position: [SocketServer({transport}, {concurrency})]", at);
                }
                else if (Creatable(mixIn, known.ServerMixIn, "a ServerMixIn", server, compilation) is { } problem)
                {
                    report(problem.Kind switch
                    {
                        Uncreatable.NotDerived => $"{problem.Text}: name a class derived from ServerMixIn, or remove the entry",
                        Uncreatable.NoConstructor => $"{problem.Text}: give it a public parameterless constructor (a mix-in reads its settings from the server, not from constructor arguments)",
                        _ => problem.Text,
                    }, at);
                }
            }
        }
    }

    /// <summary>An array, pointer or other type that is not a class the server could create, as the user wrote it.</summary>
    private static string Display(TypedConstant type) =>
        ((ITypeSymbol)type.Value!).ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);

    /// <summary>The generated part is a file of its own, so it cannot be a part of a file-local type, nor of a type in one.</summary>
    private static INamedTypeSymbol? FileLocalContainer(INamedTypeSymbol server)
    {
        for (INamedTypeSymbol? outer = server.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (outer.IsFileLocal)
            {
                return outer;
            }
        }

        return null;
    }

    private static void CheckBase(INamedTypeSymbol server, KnownTypes known, ImmutableArray<TypedConstant> arguments, System.Action<string, Location?> report)
    {
        if (server.BaseType is not { SpecialType: not SpecialType.System_Object } declared || declared.TypeKind == TypeKind.Error
            || arguments.Length < 1 || ServerComposition.IntArgument(arguments[0]) is not int transport || !known.IsTransport(transport))
        {
            return;
        }

        INamedTypeSymbol? expected = known.TransportBases[transport];
        if (SymbolEqualityComparer.Default.Equals(declared, expected))
        {
            return;
        }

        if (known.IsServer(declared) && ServerComposition.Of(declared, known) is { Concurrency: not Concurrency.Sync } composed)
        {
            report($"its base class '{declared.Name}' already composes the {composed.Concurrency} mix-in, and a server has one concurrency mix-in: remove ': {declared.Name}' and choose the concurrency in the attribute, e.g. [SocketServer({(Transport)transport}, {composed.Concurrency})]", null);
        }
        else
        {
            string otherTransport = known.IsServer(declared) && ServerComposition.Of(declared, known) is { } other && other.Transport != (Transport)transport
                ? $"; for a {other.TransportName} server, name {other.Transport} in the attribute instead"
                : string.Empty;
            report($"its base class '{declared.Name}' is not '{expected?.Name}', the server class of that transport: remove ': {declared.Name}' (the generator derives the class from '{expected?.Name}' itself){otherTransport}", null);
        }
    }

    /// <summary>Why the handler cannot be created with <c>new H()</c>, and what to do instead, or null if it can.</summary>
    private static string? HandlerProblem(INamedTypeSymbol handler, KnownTypes known, ImmutableArray<TypedConstant> arguments, INamedTypeSymbol server, Compilation compilation)
    {
        if (Creatable(handler, known.BaseRequestHandler, "a request handler", server, compilation) is not { } problem)
        {
            return null;
        }

        return problem.Kind switch
        {
            Uncreatable.NotDerived => $"{problem.Text}: name a class derived from {HandlerBase(arguments)}",
            Uncreatable.NoConstructor => $"{problem.Text}: drop 'Handler =' and pass a factory to the constructor: 'new {server.Name}(address, () => new {handler.Name}(...))'",
            _ => problem.Text,
        };
    }

    /// <summary>A list of names as a message says it: "A, B, C or D".</summary>
    private static string Names(IEnumerable<string> names)
    {
        string[] all = names.ToArray();
        return all.Length < 2 ? string.Concat(all) : string.Join(", ", all.Take(all.Length - 1)) + " or " + all[all.Length - 1];
    }

    /// <summary>The handler base classes that fit the attribute's transport.</summary>
    private static string HandlerBase(ImmutableArray<TypedConstant> arguments) =>
        arguments.Length > 0 && ServerComposition.IntArgument(arguments[0]) is int transport and >= 0 and <= 3
            ? (Transport)transport is Transport.Tcp or Transport.UnixStream
                ? "StreamRequestHandler (or AsyncStreamRequestHandler)"
                : "DatagramRequestHandler (or AsyncDatagramRequestHandler)"
            : "StreamRequestHandler or DatagramRequestHandler";

    private enum Uncreatable
    {
        NotDerived,
        OpenGeneric,
        Abstract,
        NoConstructor,
    }

    /// <summary>Why <paramref name="type"/> cannot be created with <c>new T()</c> as a <paramref name="what"/>, or null if it can.</summary>
    private static (Uncreatable Kind, string Text)? Creatable(INamedTypeSymbol type, INamedTypeSymbol? requiredBase, string what, INamedTypeSymbol within, Compilation compilation)
    {
        if (type.TypeKind == TypeKind.Error)
        {
            return null; // the compiler already reports the unknown type
        }

        // An open generic type has no base type of its own; its definition has.
        if (!KnownTypes.DerivesFrom(type.IsUnboundGenericType ? type.OriginalDefinition : type, requiredBase) || type.TypeKind != TypeKind.Class)
        {
            return (Uncreatable.NotDerived, $"'{type.Name}' is not {what}");
        }

        if (type.IsUnboundGenericType)
        {
            return (Uncreatable.OpenGeneric, $"'{type.Name}' is an open generic type: give its type arguments, e.g. 'typeof({type.Name}<{string.Join(", ", type.TypeParameters.Select(_ => "int"))}>)'");
        }

        if (type.IsAbstract)
        {
            return (Uncreatable.Abstract, $"'{type.Name}' is abstract, so the server cannot create it with 'new {type.Name}()': name a concrete class derived from it");
        }

        return type.InstanceConstructors.Any(c => c.Parameters.Length == 0 && compilation.IsSymbolAccessibleWithin(c, within))
            ? null
            : (Uncreatable.NoConstructor, $"'{type.Name}' has no public parameterless constructor, so the server cannot create it with 'new {type.Name}()'");
    }

    /// <summary>Whether the parser's recovery inserted the comma before the positional argument at <paramref name="index"/>.</summary>
    private static bool CommaMissingBefore(AttributeSyntax? syntax, int index)
    {
        if (syntax?.ArgumentList is not { } list || Positional(syntax, index) is null)
        {
            return false;
        }

        int at = list.Arguments.IndexOf(a => a.NameEquals is null && a.NameColon is null && a.GetLocation() == Positional(syntax, index));
        return at > 0 && list.Arguments.GetSeparator(at - 1).IsMissing;
    }

    private static Location? Positional(AttributeSyntax? syntax, int index)
    {
        var positional = syntax?.ArgumentList?.Arguments.Where(a => a.NameEquals is null && a.NameColon is null).ToList();
        return positional is not null && index < positional.Count ? positional[index].GetLocation() : null;
    }

    private static Location? Named(AttributeSyntax? syntax, string name) =>
        syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name)?.GetLocation();
}
