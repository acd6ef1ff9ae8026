namespace SocketServer.Generators.Model;

/// <summary>
/// Every reason the generator refuses a <c>[SocketServer]</c> declaration (and composes nothing), as the shared validator
/// (<c>CompositionCheck</c>) finds it, each reported at the user's code by an analyzer in the validator's words, or by the
/// compiler where the attribute itself does not bind (<see cref="Refusals.DiagnosticId"/>). This file is compiled into the
/// generator and into the analyzers; a test gives each reason a declaration and checks that its diagnostic is there.
/// </summary>
internal enum Refusal
{
    /// <summary>Not a class the generator can add a part to: static, a record, or file-local (or in a file-local type).</summary>
    NotComposableClass,

    /// <summary>The class, or a type around it, has a declaration without <c>partial</c>.</summary>
    NotPartial,

    /// <summary>The attribute is on more than one part of the class.</summary>
    AttributeRepeated,

    /// <summary>The attribute's arguments do not bind (an error in them, or a look-alike attribute).</summary>
    UnreadableArguments,

    /// <summary>The transport argument is no <c>Transport</c> member.</summary>
    UnknownTransport,

    /// <summary>The concurrency argument is no <c>Concurrency</c> member.</summary>
    UnknownConcurrency,

    /// <summary>The mix-in list is <see langword="null"/>.</summary>
    NullMixInList,

    /// <summary>The class derives from a class other than its transport's server.</summary>
    UnexpectedBase,

    /// <summary>A named argument other than <c>Handler</c>, or one that does not bind.</summary>
    UnknownNamedArgument,

    /// <summary><c>Handler</c> is not a concrete, closed <c>BaseRequestHandler</c> with an accessible parameterless constructor.</summary>
    HandlerNotCreatable,

    /// <summary>A listed mix-in is not a concrete, closed <c>ServerMixIn</c> with an accessible parameterless constructor (or is null).</summary>
    MixInNotCreatable,

    /// <summary>A mix-in is listed twice.</summary>
    MixInRepeated,

    /// <summary>A concurrency's mix-in is listed as a user mix-in.</summary>
    ConcurrencyMixInListed,

    /// <summary>The class has a primary constructor, which the generated constructors cannot call.</summary>
    PrimaryConstructor,
}

/// <summary>Which diagnostic explains each <see cref="Refusal"/>.</summary>
internal static class Refusals
{
    /// <summary>For a refusal the compiler itself reports at the attribute (an argument that does not bind, the attribute twice).</summary>
    public const string Compiler = "CS";

    /// <summary>
    /// The id of the error reported at the user's code for <paramref name="refusal"/>: an analyzer's, or
    /// <see cref="Compiler"/> where the compiler's own error at the attribute says it (an analyzer would repeat it).
    /// </summary>
    public static string DiagnosticId(Refusal refusal) => refusal switch
    {
        Refusal.NotPartial => "SSA002",
        Refusal.PrimaryConstructor => "SSA008",
        Refusal.AttributeRepeated or Refusal.UnreadableArguments or Refusal.UnknownNamedArgument => Compiler,
        _ => "SSA007",
    };
}
