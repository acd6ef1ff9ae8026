using Microsoft.CodeAnalysis.CSharp;

namespace SocketServer.Generators.Emitting;

/// <summary>Names as C# source spells them: a symbol's name is unescaped, so a class declared as <c>@class</c> is named "class".</summary>
internal static class Identifier
{
    /// <summary><paramref name="name"/>, with '@' when it is a reserved keyword (contextual keywords are valid names as they are).</summary>
    public static string Escape(string name) =>
        SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None ? name : "@" + name;
}
