using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SocketServer.Generators.Validation;

/// <summary>
/// The arguments of a <c>[SocketServer(...)]</c> as written, where a problem with one is reported. This file is compiled
/// into the generator and into the analyzers.
/// </summary>
internal static class AttributeArguments
{
    /// <summary>Whether the parser's recovery inserted the comma before the positional argument at <paramref name="index"/>.</summary>
    public static bool CommaMissingBefore(AttributeSyntax? syntax, int index)
    {
        if (syntax?.ArgumentList is not { } list || Positional(syntax, index) is not { } argument)
        {
            return false;
        }

        int at = list.Arguments.IndexOf(argument);
        return at > 0 && list.Arguments.GetSeparator(at - 1).IsMissing;
    }

    /// <summary>The positional argument at <paramref name="index"/> as written, or null.</summary>
    public static AttributeArgumentSyntax? Positional(AttributeSyntax? syntax, int index)
    {
        int position = 0;
        foreach (AttributeArgumentSyntax argument in syntax?.ArgumentList?.Arguments ?? default)
        {
            if (argument.NameEquals is null && argument.NameColon is null && position++ == index)
            {
                return argument;
            }
        }

        return null;
    }

    /// <summary>The named argument <paramref name="name"/> as written, or null.</summary>
    public static AttributeArgumentSyntax? Named(AttributeSyntax? syntax, string? name)
    {
        foreach (AttributeArgumentSyntax argument in syntax?.ArgumentList?.Arguments ?? default)
        {
            if (argument.NameEquals?.Name.Identifier.ValueText == name)
            {
                return argument;
            }
        }

        return null;
    }
}
