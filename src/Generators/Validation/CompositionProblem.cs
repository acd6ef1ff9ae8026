using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SocketServer.Generators.Model;

namespace SocketServer.Generators.Validation;

/// <summary>Where a <see cref="CompositionProblem"/> is reported.</summary>
internal enum ProblemSite
{
    /// <summary>The <c>[SocketServer(...)]</c> attribute.</summary>
    Attribute,

    /// <summary>A positional argument of the attribute (<see cref="CompositionProblem.ArgumentIndex"/>; mix-ins from 2 on).</summary>
    PositionalArgument,

    /// <summary>A named argument of the attribute (<see cref="CompositionProblem.ArgumentName"/>).</summary>
    NamedArgument,

    /// <summary>A declaration in the user's code (<see cref="CompositionProblem.Declaration"/>): a type that is not partial, a primary constructor.</summary>
    Declaration,
}

/// <summary>
/// One reason the generator refuses a <c>[SocketServer]</c> declaration, found by <see cref="CompositionCheck"/>, with
/// the diagnostic that explains it and its words. This file is compiled into the generator and into the analyzers.
/// </summary>
internal sealed class CompositionProblem
{
    private CompositionProblem(Refusal reason, string diagnosticId, ImmutableArray<string> arguments, ProblemSite site, int argumentIndex, string? argumentName, Location? declaration, INamedTypeSymbol? declaringType)
    {
        Reason = reason;
        DiagnosticId = diagnosticId;
        Arguments = arguments;
        Site = site;
        ArgumentIndex = argumentIndex;
        ArgumentName = argumentName;
        Declaration = declaration;
        DeclaringType = declaringType;
    }

    public Refusal Reason { get; }

    /// <summary>
    /// The diagnostic that explains it: <see cref="Refusals.DiagnosticId"/> of the reason, or <see cref="Refusals.Compiler"/>
    /// where the compiler's own error at the user's code already says it (a type that does not bind, a look-alike attribute).
    /// </summary>
    public string DiagnosticId { get; }

    /// <summary>The arguments of the diagnostic's message format (<see cref="CompositionMessages.Format"/>); empty for the compiler's.</summary>
    public ImmutableArray<string> Arguments { get; }

    public ProblemSite Site { get; }

    /// <summary>For <see cref="ProblemSite.PositionalArgument"/>: the argument's position.</summary>
    public int ArgumentIndex { get; }

    /// <summary>For <see cref="ProblemSite.NamedArgument"/>: the argument's name.</summary>
    public string? ArgumentName { get; }

    /// <summary>For <see cref="ProblemSite.Declaration"/>: the user's declaration.</summary>
    public Location? Declaration { get; }

    /// <summary>For <see cref="Refusal.NotPartial"/>: the type whose declaration lacks <c>partial</c> (the server or a type around it).</summary>
    public INamedTypeSymbol? DeclaringType { get; }

    /// <summary>Whether the compiler's error explains it, so no analyzer reports it.</summary>
    public bool IsCompilers => DiagnosticId == Refusals.Compiler;

    /// <summary>The message the diagnostic shows, or <see langword="null"/> where the compiler's error says it.</summary>
    public string? Message =>
        IsCompilers ? null : string.Format(CultureInfo.InvariantCulture, CompositionMessages.Format(DiagnosticId), Arguments.Cast<object>().ToArray());

    /// <summary>Where the diagnostic goes: the site in <paramref name="attribute"/>, else the attribute, else the server's declaration.</summary>
    public Location Locate(AttributeSyntax? attribute, INamedTypeSymbol server)
    {
        Location? at = Site switch
        {
            ProblemSite.PositionalArgument => AttributeArguments.Positional(attribute, ArgumentIndex)?.GetLocation(),
            ProblemSite.NamedArgument => AttributeArguments.Named(attribute, ArgumentName)?.GetLocation(),
            ProblemSite.Declaration => Declaration,
            _ => null,
        };
        return at ?? attribute?.GetLocation() ?? server.Locations.FirstOrDefault() ?? Location.None;
    }

    /// <summary>A refusal the compiler's own error at the user's code explains.</summary>
    public static CompositionProblem Compilers(Refusal reason) =>
        new(reason, Refusals.Compiler, ImmutableArray<string>.Empty, ProblemSite.Attribute, 0, null, null, null);

    /// <summary>An SSA007 problem: <paramref name="text"/> follows "[SocketServer] on 'S' cannot be composed: ".</summary>
    public static CompositionProblem Invalid(Refusal reason, INamedTypeSymbol server, string text, ProblemSite site = ProblemSite.Attribute, int index = 0, string? name = null) =>
        new(reason, Refusals.DiagnosticId(reason), ImmutableArray.Create(server.Name, text), site, index, name, null, null);

    /// <summary>An SSA002 problem at the declaration of <paramref name="type"/> (the server or a type around it) that lacks <c>partial</c>.</summary>
    public static CompositionProblem NotPartial(INamedTypeSymbol type, INamedTypeSymbol server, Location declaration)
    {
        string where = SymbolEqualityComparer.Default.Equals(type, server) ? string.Empty : $" (declared inside '{type.Name}')";
        return new(Refusal.NotPartial, Refusals.DiagnosticId(Refusal.NotPartial), ImmutableArray.Create(type.Name, server.Name, where), ProblemSite.Declaration, 0, null, declaration, type);
    }

    /// <summary>An SSA008 problem: a user declaration the generated part cannot be composed with.</summary>
    public static CompositionProblem Collides(Refusal reason, Collision collision) =>
        new(reason, Refusals.DiagnosticId(reason), ImmutableArray.Create(collision.UserMember, collision.Generated, collision.Advice), ProblemSite.Declaration, 0, null, collision.Location, null);
}
