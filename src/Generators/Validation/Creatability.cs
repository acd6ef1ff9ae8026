using System.Linq;
using Microsoft.CodeAnalysis;

namespace SocketServer.Generators.Validation;

/// <summary>Why generated code cannot create a handler or mix-in type with <c>new T()</c>.</summary>
internal enum Uncreatable
{
    /// <summary>The compiler's error says it: the type does not bind, or names a type parameter (CS0416).</summary>
    Compilers,

    /// <summary>Not a class derived from the required base.</summary>
    NotDerived,

    /// <summary>A generic type without its type arguments.</summary>
    OpenGeneric,

    /// <summary>An abstract class.</summary>
    Abstract,

    /// <summary>No parameterless constructor the server can call.</summary>
    NoConstructor,
}

/// <summary>
/// Whether the generated part of a server can create a type with <c>new T()</c>: a concrete, closed class derived from the
/// required base with a parameterless constructor the server can call. This file is compiled into the generator and into
/// the analyzers.
/// </summary>
internal static class Creatability
{
    /// <summary>
    /// Why generated code in <paramref name="within"/> cannot create <paramref name="type"/> as a <paramref name="what"/>,
    /// with the start of the message that says so, or null if it can.
    /// </summary>
    public static (Uncreatable Why, string Text)? Check(INamedTypeSymbol type, INamedTypeSymbol? requiredBase, string what, INamedTypeSymbol within, Compilation compilation)
    {
        if (type.TypeKind == TypeKind.Error)
        {
            return (Uncreatable.Compilers, string.Empty);
        }

        // An open generic type has no base type of its own; its definition has.
        if (type.TypeKind != TypeKind.Class || !RuntimeSymbols.DerivesFrom(type.IsUnboundGenericType ? type.OriginalDefinition : type, requiredBase))
        {
            return (Uncreatable.NotDerived, $"'{type.Name}' is not {what}");
        }

        if (type.IsUnboundGenericType)
        {
            return (Uncreatable.OpenGeneric, $"'{type.Name}' is an open generic type: give its type arguments, e.g. 'typeof({type.Name}<{string.Join(", ", type.TypeParameters.Select(_ => "int"))}>)'");
        }

        if (ContainsTypeParameters(type))
        {
            return (Uncreatable.Compilers, string.Empty);
        }

        if (type.IsAbstract)
        {
            return (Uncreatable.Abstract, $"'{type.Name}' is abstract, so the server cannot create it with 'new {type.Name}()': name a concrete class derived from it");
        }

        foreach (IMethodSymbol constructor in type.InstanceConstructors)
        {
            if (constructor.Parameters.Length == 0 && compilation.IsSymbolAccessibleWithin(constructor, within))
            {
                return null;
            }
        }

        return (Uncreatable.NoConstructor, $"'{type.Name}' has no public parameterless constructor, so the server cannot create it with 'new {type.Name}()'");
    }

    private static bool ContainsTypeParameters(INamedTypeSymbol type) =>
        type.TypeArguments.Any(t => t.TypeKind == TypeKind.TypeParameter || (t is INamedTypeSymbol named && ContainsTypeParameters(named)))
        || (type.ContainingType is { } outer && ContainsTypeParameters(outer));
}
