namespace SocketServer.Generators.Validation;

/// <summary>
/// The message formats of the diagnostics that explain a refusal, in one place: the analyzers' descriptors use them,
/// and <see cref="CompositionProblem.Message"/> formats a problem with them. This file is compiled into the generator
/// and into the analyzers.
/// </summary>
internal static class CompositionMessages
{
    /// <summary>SSA002: {0} the type without <c>partial</c>, {1} the server, {2} " (declared inside '...')" or nothing.</summary>
    public const string NotPartial =
        "'{0}' is not partial, so the generator cannot add the rest of [SocketServer] class '{1}'{2} and generates nothing for it, which is why its constructors and server members are missing where it is used (CS1729, CS1061, CS1674): add 'partial' to '{0}'";

    /// <summary>SSA007: {0} the server, {1} what does not fit and what to do.</summary>
    public const string InvalidComposition = "[SocketServer] on '{0}' cannot be composed: {1}";

    /// <summary>SSA008: {0} the user's member, {1} the generated one, {2} what to do.</summary>
    public const string GeneratedMemberCollision = "{0} collides with {1}: {2}";

    /// <summary>The format of diagnostic <paramref name="diagnosticId"/>.</summary>
    public static string Format(string diagnosticId) => diagnosticId switch
    {
        "SSA002" => NotPartial,
        "SSA008" => GeneratedMemberCollision,
        _ => InvalidComposition,
    };
}
