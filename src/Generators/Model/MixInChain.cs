using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace SocketServer.Generators.Model;

/// <summary>A member of the <c>Concurrency</c> enum and the mix-in its <c>[ConcurrencyMixIn]</c> names (none for <c>Sync</c>).</summary>
/// <param name="Name">The member's name.</param>
/// <param name="Value">Its value.</param>
/// <param name="MixIn">The mix-in type, or <see langword="null"/>.</param>
internal sealed record ConcurrencyMember(string Name, int Value, INamedTypeSymbol? MixIn);

/// <summary>
/// A server's mix-ins as the generator composes them, read from symbols: the user's mix-ins outermost first, then the
/// mix-in its <c>Concurrency</c> member names; the steps any of them overrides; and the settings interfaces they declare
/// with <c>ServerMixIn&lt;TSettings&gt;</c>. Nothing here knows a particular mix-in: adding one is a runtime class and,
/// for a concurrency, an enum member. This file is compiled into the generator and into the analyzers.
/// </summary>
internal sealed class MixInChain
{
    public const string ServerMixInName = "SocketServer.ServerMixIn";
    public const string ServerMixInOfTName = "SocketServer.ServerMixIn`1";
    public const string ConcurrencyName = "SocketServer.Concurrency";
    public const string ConcurrencyMixInAttributeName = "SocketServer.ConcurrencyMixInAttribute";
    public const string SettingDefaultAttributeName = "SocketServer.SettingDefaultAttribute";

    private MixInChain(
        ImmutableArray<INamedTypeSymbol> mixIns, INamedTypeSymbol? concurrencyMixIn, ImmutableArray<string> overriddenSteps, ImmutableArray<INamedTypeSymbol> settingsInterfaces, ImmutableArray<ISymbol> settings)
    {
        SettingsInterfaces = settingsInterfaces;
        MixIns = mixIns;
        ConcurrencyMixIn = concurrencyMixIn;
        OverriddenSteps = overriddenSteps;
        Settings = settings;
    }

    /// <summary>Every mix-in in the order the generated part chains them: the user's, then the concurrency's.</summary>
    public ImmutableArray<INamedTypeSymbol> MixIns { get; }

    /// <summary>The mix-in of the <c>Concurrency</c> argument, or <see langword="null"/>.</summary>
    public INamedTypeSymbol? ConcurrencyMixIn { get; }

    /// <summary>The steps at least one mix-in overrides: the ones the generated part routes through the chain.</summary>
    public ImmutableArray<string> OverriddenSteps { get; }

    /// <summary>
    /// The members of the mix-ins' settings interfaces (and the interfaces they extend): properties, which the server
    /// implements, and methods with a default body, which it may implement with a public method of its own.
    /// </summary>
    public ImmutableArray<ISymbol> Settings { get; }

    /// <summary>Whether the user listed mix-ins of their own (the step messages differ).</summary>
    public bool HasUserMixIns => MixIns.Length > (ConcurrencyMixIn is null ? 0 : 1);

    /// <summary>The members of the runtime's <c>Concurrency</c> enum, each with the mix-in it names; empty without the runtime.</summary>
    public static ImmutableArray<ConcurrencyMember> ConcurrencyMembers(Compilation compilation)
    {
        if (compilation.GetTypeByMetadataName(ConcurrencyName) is not { TypeKind: TypeKind.Enum } concurrency)
        {
            return ImmutableArray<ConcurrencyMember>.Empty;
        }

        return concurrency.GetMembers().OfType<IFieldSymbol>()
            .Where(f => f.HasConstantValue && f.ConstantValue is int)
            .Select(f => new ConcurrencyMember(
                f.Name,
                (int)f.ConstantValue!,
                f.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == ConcurrencyMixInAttributeName) is { ConstructorArguments: { Length: 1 } arguments }
                    ? arguments[0].Value as INamedTypeSymbol
                    : null))
            .ToImmutableArray();
    }

    /// <summary>The <c>Concurrency</c> member of <paramref name="value"/>, or <see langword="null"/> when no member has it.</summary>
    public static ConcurrencyMember? Concurrency(Compilation compilation, int value) =>
        ConcurrencyMembers(compilation).FirstOrDefault(m => m.Value == value);

    /// <summary>The chain of <paramref name="userMixIns"/> followed by <paramref name="concurrencyMixIn"/>.</summary>
    public static MixInChain Create(IEnumerable<INamedTypeSymbol> userMixIns, INamedTypeSymbol? concurrencyMixIn)
    {
        ImmutableArray<INamedTypeSymbol> mixIns = concurrencyMixIn is null ? [.. userMixIns] : [.. userMixIns, concurrencyMixIn];
        var steps = new HashSet<string>();
        var settings = new List<ISymbol>();
        var interfaces = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        var named = new List<INamedTypeSymbol>();
        foreach (INamedTypeSymbol mixIn in mixIns)
        {
            for (INamedTypeSymbol? type = mixIn; type is not null && type.ToDisplayString() != ServerMixInName; type = type.BaseType)
            {
                foreach (IMethodSymbol method in type.GetMembers().OfType<IMethodSymbol>())
                {
                    if (method.IsOverride && GeneratedMembers.Steps.Any(s => s.Name == method.Name))
                    {
                        steps.Add(method.Name);
                    }
                }

                if (type.OriginalDefinition.MetadataName == "ServerMixIn`1" && type.ContainingNamespace?.ToDisplayString() == "SocketServer"
                    && type.TypeArguments[0] is INamedTypeSymbol { TypeKind: TypeKind.Interface } settingsInterface)
                {
                    if (!named.Contains(settingsInterface, SymbolEqualityComparer.Default))
                    {
                        named.Add(settingsInterface);
                    }

                    foreach (INamedTypeSymbol declaring in new[] { settingsInterface }.Concat(settingsInterface.AllInterfaces))
                    {
                        if (interfaces.Add(declaring))
                        {
                            settings.AddRange(declaring.GetMembers().Where(IsSetting));
                        }
                    }
                }
            }
        }

        return new MixInChain(mixIns, concurrencyMixIn, GeneratedMembers.Steps.Select(s => s.Name).Where(steps.Contains).ToImmutableArray(), named.ToImmutableArray(), settings.ToImmutableArray());
    }

    /// <summary>The settings interfaces the mix-ins name (<c>ServerMixIn&lt;TSettings&gt;</c>), which the server implements.</summary>
    public ImmutableArray<INamedTypeSymbol> SettingsInterfaces { get; }

    /// <summary>A member the server must implement (a property) or may take over (a method with a default body).</summary>
    private static bool IsSetting(ISymbol member) => member switch
    {
        IPropertySymbol { IsStatic: false, Parameters.Length: 0 } => true,
        IMethodSymbol { IsStatic: false, MethodKind: MethodKind.Ordinary, IsAbstract: false } => true,
        _ => false,
    };

    /// <summary>The default a setting property declares with <c>[SettingDefault(value)]</c>, as C#; <see langword="null"/> for none (or a null default).</summary>
    public static string? DefaultCode(IPropertySymbol setting)
    {
        if (setting.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == SettingDefaultAttributeName) is not { ConstructorArguments: { Length: 1 } arguments }
            || arguments[0].IsNull)
        {
            return null;
        }

        TypedConstant value = arguments[0];
        return value.Value switch
        {
            bool b => b ? "true" : "false",
            int i => i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => Microsoft.CodeAnalysis.CSharp.TypedConstantExtensions.ToCSharpString(value),
        };
    }
}
