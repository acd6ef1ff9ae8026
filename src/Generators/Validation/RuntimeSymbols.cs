using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using SocketServer.Generators.Model;

namespace SocketServer.Generators.Validation;

/// <summary>
/// The runtime's types a composition is checked against, resolved by metadata name once per check (the generator) or
/// per compilation (the analyzers, whose <c>KnownTypes</c> extends this). Any of them is <see langword="null"/> where
/// the runtime is not referenced. This file is compiled into the generator and into the analyzers.
/// </summary>
internal class RuntimeSymbols
{
    public RuntimeSymbols(Compilation compilation)
    {
        SocketServerAttribute = compilation.GetTypeByMetadataName(RuntimeTypeNames.SocketServerAttribute);
        BaseServer = compilation.GetTypeByMetadataName(RuntimeTypeNames.BaseServer);
        BaseRequestHandler = compilation.GetTypeByMetadataName(RuntimeTypeNames.BaseRequestHandler);
        ServerMixIn = compilation.GetTypeByMetadataName(RuntimeTypeNames.ServerMixIn);
        TransportBases = Transports.All.Select(t => compilation.GetTypeByMetadataName(Transports.BaseClass(t))).ToImmutableArray();
        Concurrencies = MixInChain.ConcurrencyMembers(compilation);
    }

    public INamedTypeSymbol? SocketServerAttribute { get; }

    public INamedTypeSymbol? BaseServer { get; }

    public INamedTypeSymbol? BaseRequestHandler { get; }

    public INamedTypeSymbol? ServerMixIn { get; }

    /// <summary>TcpServer, UdpServer, UnixStreamServer, UnixDatagramServer, indexed by <see cref="TransportKind"/>.</summary>
    public ImmutableArray<INamedTypeSymbol?> TransportBases { get; }

    /// <summary>The runtime's <c>Concurrency</c> members, each with the mix-in it names, read from metadata.</summary>
    public ImmutableArray<ConcurrencyMember> Concurrencies { get; }

    /// <summary>The <c>Concurrency</c> member of <paramref name="value"/>, or <see langword="null"/> when no member has it.</summary>
    public ConcurrencyMember? Concurrency(int value)
    {
        foreach (ConcurrencyMember member in Concurrencies)
        {
            if (member.Value == value)
            {
                return member;
            }
        }

        return null;
    }

    /// <summary>The <c>Concurrency</c> member whose mix-in is <paramref name="mixIn"/>, or <see langword="null"/>.</summary>
    public ConcurrencyMember? ConcurrencyOf(ITypeSymbol mixIn)
    {
        foreach (ConcurrencyMember member in Concurrencies)
        {
            if (member.MixIn is not null && SymbolEqualityComparer.Default.Equals(member.MixIn, mixIn))
            {
                return member;
            }
        }

        return null;
    }

    /// <summary>The member that names no mix-in: requests run on the serving thread (<c>Sync</c>).</summary>
    public ConcurrencyMember? WithoutMixIn => Concurrencies.FirstOrDefault(m => m.MixIn is null);

    public bool IsServer(ITypeSymbol? type) => DerivesFrom(type, BaseServer);

    /// <summary>Whether <paramref name="type"/> is <paramref name="baseType"/> (a generic definition matches its constructions) or derives from it.</summary>
    public static bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol? baseType)
    {
        if (baseType is null)
        {
            return false;
        }

        for (ITypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, baseType))
            {
                return true;
            }
        }

        return false;
    }
}
