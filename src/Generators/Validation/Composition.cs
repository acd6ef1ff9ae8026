using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using SocketServer.Generators.Model;

namespace SocketServer.Generators.Validation;

/// <summary>
/// A <c>[SocketServer]</c> declaration as <see cref="CompositionCheck"/> read it: what the generator composes. This file
/// is compiled into the generator and into the analyzers.
/// </summary>
/// <param name="Transport">The transport argument.</param>
/// <param name="Concurrency">The concurrency argument's member.</param>
/// <param name="Handler">The <c>Handler</c> type, or <see langword="null"/>.</param>
/// <param name="Chain">The user's mix-ins and the concurrency's.</param>
/// <param name="Collisions">The user declarations that collide with generated members (SSA008).</param>
internal sealed record Composition(
    TransportKind Transport,
    ConcurrencyMember Concurrency,
    INamedTypeSymbol? Handler,
    MixInChain Chain,
    ImmutableArray<Collision> Collisions);
