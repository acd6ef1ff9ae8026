using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SocketServer.Generators.Model;

/// <summary>A parameter of a generated member: its type as generated code writes it (without a nullable mark), and its name.</summary>
/// <param name="Type">The fully qualified type, e.g. <c>global::System.Net.EndPoint</c>, or a keyword (<c>object</c>).</param>
/// <param name="Name">The parameter's name.</param>
/// <param name="Nullable">Whether generated code marks the (reference) type nullable; it is not part of the signature.</param>
internal sealed record GeneratedParameter(string Type, string Name, bool Nullable = false)
{
    public string Code => Type + (Nullable ? "?" : string.Empty) + " " + Name;
}

/// <summary>One lifecycle step of a server, which the generator may override.</summary>
internal sealed record StepShape(string Name, string ReturnType, ImmutableArray<GeneratedParameter> Parameters)
{
    public string ParameterList => string.Join(", ", Parameters.Select(p => p.Code));

    public string Arguments => string.Join(", ", Parameters.Select(p => p.Name));

    public string Signature => ReturnType + " " + Name + "(" + ParameterList + ")";
}

/// <summary>What a user declaration collides with.</summary>
internal enum CollisionKind
{
    /// <summary>A constructor with the parameter types of a generated one.</summary>
    Constructor,

    /// <summary>A step the generated part overrides, declared by the user too (with or without <c>override</c>).</summary>
    Step,

    /// <summary>A primary constructor: the generated constructors would have to chain to it.</summary>
    PrimaryConstructor,

    /// <summary>A member that takes over a setting the generated code reads, of a type or kind it cannot read.</summary>
    Setting,
}

/// <summary>
/// A user declaration in a <c>[SocketServer]</c> class that the generated part cannot sit beside. The generator skips
/// the generated member it names by <see cref="Key"/> (or, for a primary constructor, composes nothing); SSA008
/// reports it at <see cref="Location"/> in the same words.
/// </summary>
/// <param name="Kind">What collides.</param>
/// <param name="Key">The generated member the generator leaves out (see <see cref="GeneratedMembers.ConstructorKey"/>, <see cref="GeneratedMembers.StepKey"/>), or <see langword="null"/>.</param>
/// <param name="Location">The user's declaration.</param>
/// <param name="UserMember">The user's declaration, as the message names it.</param>
/// <param name="Generated">The generated member it collides with, as the message names it.</param>
/// <param name="Advice">What to do.</param>
internal sealed record Collision(CollisionKind Kind, string? Key, Location Location, string UserMember, string Generated, string Advice);

/// <summary>
/// The members the generator writes into a <c>[SocketServer]</c> class, described once for the emitter (which writes
/// them) and for SSA008 (which finds the user declarations they would collide with). This file is compiled into the
/// generator and into the analyzers.
/// </summary>
internal static class GeneratedMembers
{
    private const string EndPoint = "global::System.Net.EndPoint";
    private const string HandlerFactory = "global::System.Func<global::SocketServer.BaseRequestHandler>";

    /// <summary>Every step a mix-in can take part in, in the order the generated part writes them.</summary>
    public static readonly ImmutableArray<StepShape> Steps =
    [
        Step("ServerBind", "void"),
        Step("ServerActivate", "void"),
        Step("GetRequest", "(object Request, " + EndPoint + "? ClientAddress)"),
        Step("VerifyRequest", "bool", Request, ClientAddress),
        Step("ProcessRequest", "void", Request, ClientAddress),
        Step("FinishRequest", "void", Request, ClientAddress),
        Step("FinishRequestAsync", "global::System.Threading.Tasks.Task", Request, ClientAddress, new("global::System.Threading.CancellationToken", "cancellationToken")),
        Step("CreateRequestStream", "global::System.IO.Stream", Request, ClientAddress),
        Step("CreateRequestStreamAsync", "global::System.Threading.Tasks.ValueTask<global::System.IO.Stream>", Request, ClientAddress, new("global::System.Threading.CancellationToken", "cancellationToken")),
        Step("ShutdownRequest", "void", Request),
        Step("CloseRequest", "void", Request),
        Step("HandleError", "void", Request, ClientAddress, new("global::System.Exception", "exception")),
        Step("HandleTimeout", "void"),
        Step("ServiceActions", "void"),
        Step("ServerClose", "void"),
    ];

    private static GeneratedParameter Request => new("object", "request");

    private static GeneratedParameter ClientAddress => new(EndPoint, "clientAddress", Nullable: true);

    /// <summary>The address parameters of each generated constructor, in the order the generated part writes them.</summary>
    public static ImmutableArray<ImmutableArray<GeneratedParameter>> ConstructorAddresses(bool unix) => unix
        ? [[new("string", "path")], [new("global::System.Net.Sockets.UnixDomainSocketEndPoint", "serverAddress")]]
        : [[new(EndPoint, "serverAddress")], [new("string", "host"), new("int", "port")]];

    /// <summary>The parameters of a generated constructor: the address, the handler factory unless the attribute names a handler, and <c>bindAndActivate</c>.</summary>
    public static ImmutableArray<GeneratedParameter> ConstructorParameters(ImmutableArray<GeneratedParameter> address, bool hasHandler)
    {
        ImmutableArray<GeneratedParameter>.Builder parameters = address.ToBuilder();
        if (!hasHandler)
        {
            parameters.Add(new GeneratedParameter(HandlerFactory, "requestHandlerFactory"));
        }

        parameters.Add(new GeneratedParameter("bool", "bindAndActivate"));
        return parameters.ToImmutable();
    }

    public static string ConstructorKey(int index) => "ctor" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string StepKey(string step) => "step:" + step;

    public static string InterfaceStepKey(string step) => "IServerSteps:" + step;

    private static bool IsServerStep(IMethodSymbol method) =>
        method.ContainingType is { Name: "IServerSteps", ContainingNamespace: { Name: "SocketServer", ContainingNamespace.IsGlobalNamespace: true } };

    /// <summary>A name for a private generated field that no member the user declared has: the preferred one, else numbered (<c>__mixIn0_2</c>).</summary>
    public static string UniqueName(string preferred, ICollection<string> taken)
    {
        string name = preferred;
        for (int suffix = 2; taken.Contains(name); suffix++)
        {
            name = preferred + "_" + suffix.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return name;
    }

    /// <summary>
    /// The user declarations in <paramref name="server"/> that collide with what the generator writes for it: constructors
    /// with a generated constructor's parameter types, a primary constructor, steps the generated part overrides, and
    /// settings the generated code reads declared with a type or kind it cannot read.
    /// </summary>
    public static ImmutableArray<Collision> Find(
        INamedTypeSymbol server, Compilation compilation, bool unix, MixInChain chain, bool hasHandler, CancellationToken cancellationToken)
    {
        bool hasMixIns = chain.MixIns.Length > 0;
        string concurrencyName = chain.ConcurrencyMixIn?.Name is { } mixInName
            ? (mixInName.EndsWith("MixIn", System.StringComparison.Ordinal) ? mixInName.Substring(0, mixInName.Length - 5) : mixInName) + " mix-in"
            : "concurrency mix-in";
        var collisions = ImmutableArray.CreateBuilder<Collision>();
        string name = server.Name;

        foreach (SyntaxReference reference in server.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is ClassDeclarationSyntax { ParameterList: { } parameters })
            {
                collisions.Add(new Collision(
                    CollisionKind.PrimaryConstructor,
                    null,
                    parameters.GetLocation(),
                    "The primary constructor '" + name + parameters + "'",
                    "the constructors that the generator writes for '" + name + "', which pass the address to the transport's constructor and so cannot call this one",
                    "remove the parameter list; keep the values in fields or properties and set them in a constructor of your own that calls a generated one with ': this(...)', or after creating the server"));
            }
        }

        ImmutableArray<ImmutableArray<GeneratedParameter>> addresses = ConstructorAddresses(unix);
        for (int i = 0; i < addresses.Length; i++)
        {
            ImmutableArray<GeneratedParameter> parameters = ConstructorParameters(addresses[i], hasHandler);
            foreach (IMethodSymbol constructor in server.InstanceConstructors)
            {
                if (!constructor.IsImplicitlyDeclared && SameParameterTypes(constructor, parameters) && UserLocation(constructor) is { } location)
                {
                    string generated = name + "(" + string.Join(", ", parameters.Select(p => Unqualified(p.Code))) + " = true)";
                    collisions.Add(new Collision(
                        CollisionKind.Constructor,
                        ConstructorKey(i),
                        location,
                        "The constructor '" + Display(constructor) + "'",
                        "the constructor " + generated + " that the generator writes for '" + name + "'",
                        "remove it; to run code when the server is created, declare a constructor with other parameters that calls the generated one with ': this(...)'"));
                }
            }
        }

        foreach (StepShape step in Steps)
        {
            if (!chain.OverriddenSteps.Contains(step.Name))
            {
                continue;
            }

            foreach (ISymbol member in server.GetMembers(step.Name))
            {
                if (member.IsImplicitlyDeclared || (member is IMethodSymbol method && !SameParameterTypes(method, step.Parameters)) || UserLocation(member) is not { } location)
                {
                    continue;
                }

                collisions.Add(chain.HasUserMixIns
                    ? new Collision(
                        CollisionKind.Step,
                        StepKey(step.Name),
                        location,
                        Quoted(member),
                        "the override of " + step.Name + " that the generator writes for '" + name + "' to run the step through its mix-ins",
                        "remove yours and override " + step.Name + " in one of the mix-ins (or a new one listed in [SocketServer(...)]); its base call passes the step on")
                    : new Collision(
                        CollisionKind.Step,
                        StepKey(step.Name),
                        location,
                        Quoted(member),
                        "the override of " + step.Name + " that the generator writes for '" + name + "' (the " + concurrencyName + "'s version of the step)",
                        "remove yours; to change the step, override " + step.Name + " in a ServerMixIn listed in [SocketServer(...)], whose base call reaches the " + concurrencyName + "'s version"));
            }
        }

        if (hasMixIns)
        {
            foreach (IMethodSymbol method in server.GetMembers().OfType<IMethodSymbol>())
            {
                if (method.ExplicitInterfaceImplementations.FirstOrDefault(IsServerStep) is { } step
                    && Steps.Any(s => s.Name == step.Name) && UserLocation(method) is { } location)
                {
                    collisions.Add(new Collision(
                        CollisionKind.Step,
                        InterfaceStepKey(step.Name),
                        location,
                        Quoted(method),
                        "the IServerSteps." + step.Name + " that the generator writes for '" + name + "', where its last mix-in's base call arrives",
                        "remove yours and override " + step.Name + " in the last mix-in listed in [SocketServer(...)]"));
                }
            }
        }

        foreach (ISymbol setting in chain.Settings)
        {
            ImmutableArray<ISymbol> declared = server.GetMembers(setting.Name);
            if (declared.IsEmpty || declared.Any(m => m.IsImplicitlyDeclared) || UserLocation(declared[0]) is not { } location)
            {
                continue;
            }

            string mixIn = chain.MixIns.FirstOrDefault(m => Declares(m, setting.ContainingType))?.Name ?? "its mix-in";
            string settingsType = setting.ContainingType.Name;
            if (setting is IPropertySymbol property && !declared.Any(m => Reads(m, property.Type, compilation)))
            {
                string type = property.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
                collisions.Add(new Collision(
                    CollisionKind.Setting,
                    null,
                    location,
                    Quoted(declared[0]),
                    "the " + settingsType + "." + setting.Name + " that the generator implements for '" + name + "' from yours, for " + mixIn + ", which reads it as '" + type + "'",
                    "declare it as a readable property or field of that type, e.g. 'public " + type + " " + setting.Name + " { get; set; }'"));
            }
            else if (setting is IMethodSymbol method && !declared.Any(m => Implements(m, method)))
            {
                string signature = "public " + method.ReturnType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + " " + method.Name + "("
                    + string.Join(", ", method.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + " " + p.Name)) + ")";
                collisions.Add(new Collision(
                    CollisionKind.Setting,
                    null,
                    location,
                    Quoted(declared[0]),
                    "the " + settingsType + "." + method.Name + " that " + mixIn + " calls on '" + name + "', which only a public method of the same signature replaces",
                    "declare it as '" + signature + "' (for example returning a thread with a stack size of your own), or rename yours"));
            }
        }

        return collisions.ToImmutable();
    }

    /// <summary>Parameter types equal, as C# compares signatures: ref kinds count, nullable annotations of reference types do not.</summary>
    private static bool SameParameterTypes(IMethodSymbol method, ImmutableArray<GeneratedParameter> parameters) =>
        method.Parameters.Length == parameters.Length
        && method.Parameters.Zip(parameters, (actual, generated) =>
            actual.RefKind == RefKind.None && actual.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) == generated.Type).All(same => same);

    /// <summary>Whether generated code can read <paramref name="member"/> as a <paramref name="type"/>: a readable property or a field whose type converts implicitly.</summary>
    private static bool Reads(ISymbol member, ITypeSymbol type, Compilation compilation)
    {
        ITypeSymbol? declared = member switch
        {
            IPropertySymbol { GetMethod: not null, Parameters.Length: 0 } property => property.Type,
            IFieldSymbol field => field.Type,
            _ => null,
        };
        if (declared is null)
        {
            return false;
        }

        if (declared.TypeKind == TypeKind.Error)
        {
            return true; // the compiler already reports the unknown type
        }

        return compilation.ClassifyCommonConversion(declared, type).IsImplicit;
    }

    /// <summary>Whether <paramref name="member"/> implements the settings method <paramref name="setting"/> implicitly: public, same parameter and return types.</summary>
    private static bool Implements(ISymbol member, IMethodSymbol setting) =>
        member is IMethodSymbol { IsStatic: false, DeclaredAccessibility: Accessibility.Public, IsGenericMethod: false } method
        && method.Parameters.Length == setting.Parameters.Length
        && method.Parameters.Zip(setting.Parameters, (a, b) => a.RefKind == b.RefKind && SymbolEqualityComparer.Default.Equals(a.Type, b.Type)).All(same => same)
        && (method.ReturnType.TypeKind == TypeKind.Error || SymbolEqualityComparer.Default.Equals(method.ReturnType, setting.ReturnType));

    /// <summary>Whether <paramref name="mixIn"/>'s settings are (or extend) <paramref name="settings"/>.</summary>
    private static bool Declares(INamedTypeSymbol mixIn, INamedTypeSymbol settings)
    {
        for (INamedTypeSymbol? type = mixIn; type is not null; type = type.BaseType)
        {
            if (type.TypeArguments.Length == 1 && type.TypeArguments[0] is INamedTypeSymbol argument
                && (SymbolEqualityComparer.Default.Equals(argument, settings) || argument.AllInterfaces.Contains(settings, SymbolEqualityComparer.Default)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Where the user declared <paramref name="member"/>: its name in source, or <see langword="null"/> for metadata.</summary>
    private static Location? UserLocation(ISymbol member) => member.Locations.FirstOrDefault(l => l.IsInSource);

    private static string Display(ISymbol member) => member.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);

    /// <summary>A type as a message shows it: <c>global::System.Func&lt;global::SocketServer.BaseRequestHandler&gt;</c> as <c>Func&lt;BaseRequestHandler&gt;</c>.</summary>
    private static string Unqualified(string code) => System.Text.RegularExpressions.Regex.Replace(code, @"global::(?:\w+\.)*", string.Empty);

    private static string Quoted(ISymbol member) => "'" + Display(member) + "'";

    private static StepShape Step(string name, string returnType, params GeneratedParameter[] parameters) => new(name, returnType, [.. parameters]);
}
