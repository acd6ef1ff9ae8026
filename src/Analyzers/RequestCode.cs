using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using SocketServer.Generators.Validation;

namespace SocketServer.Analyzers;

/// <summary>A call to <c>BaseServer.Shutdown()</c> in a handler's or a server's code.</summary>
internal readonly struct ShutdownCall
{
    public ShutdownCall(IMethodSymbol method, Location location)
    {
        Method = method;
        Location = location;
    }

    public IMethodSymbol Method { get; }

    public Location Location { get; }
}

/// <summary>A write to static state or to a server's member, and whether a lock guards it.</summary>
internal readonly struct SharedWrite
{
    public SharedWrite(IMethodSymbol method, Location location, string member, bool guarded)
    {
        Method = method;
        Location = location;
        Member = member;
        Guarded = guarded;
    }

    public IMethodSymbol Method { get; }

    public Location Location { get; }

    public string Member { get; }

    public bool Guarded { get; }
}

/// <summary>
/// What the request-path rules (SSA001, SSA003, SSA006) learn about one handler or server type while its members
/// are analyzed: the calls between its own methods, its <c>Shutdown()</c> calls, and its writes to shared state.
/// Code inside lambdas and anonymous methods is left out: it runs when someone else calls it (Task.Run, a timer,
/// a signal), usually on another thread. A local function counts as part of its method.
/// </summary>
internal sealed class RequestCode
{
    private readonly ConcurrentQueue<(IMethodSymbol Caller, IMethodSymbol Callee)> _calls = new();
    private readonly ConcurrentQueue<ShutdownCall> _shutdowns = new();
    private readonly ConcurrentQueue<SharedWrite> _writes = new();

    private RequestCode(INamedTypeSymbol type, KnownTypes known)
    {
        Type = type;
        Known = known;
    }

    public INamedTypeSymbol Type { get; }

    public KnownTypes Known { get; }

    /// <summary>
    /// Analyzes every handler and server type of a compilation and hands each one's facts, with the compilation's
    /// index, to <paramref name="report"/> at the end of that type.
    /// </summary>
    public static void Register(AnalysisContext context, System.Action<SymbolAnalysisContext, RequestCode, CompilationIndex> report) =>
        context.RegisterCompilationStartAction(start =>
        {
            if (KnownTypes.TryCreate(start.Compilation) is not { BaseRequestHandler: not null } known)
            {
                return;
            }

            System.Lazy<CompilationIndex> index = CompilationIndex.Lazily(start.Compilation, known);
            start.RegisterSymbolStartAction(
                symbolStart =>
                {
                    var type = (INamedTypeSymbol)symbolStart.Symbol;
                    if (!known.IsHandler(type) && !known.IsServer(type) && ServerComposition.Attribute(type, known) is null)
                    {
                        return;
                    }

                    var code = new RequestCode(type, known);
                    symbolStart.RegisterOperationAction(code.CollectInvocation, OperationKind.Invocation);
                    symbolStart.RegisterOperationAction(
                        code.CollectWrite,
                        OperationKind.SimpleAssignment,
                        OperationKind.CompoundAssignment,
                        OperationKind.CoalesceAssignment,
                        OperationKind.Increment,
                        OperationKind.Decrement);
                    symbolStart.RegisterSymbolEndAction(end => report(end, code, index.Value));
                },
                SymbolKind.NamedType);
        });

    /// <summary>This type's own methods that run when <paramref name="entryPoints"/> (declared on this type) run.</summary>
    public HashSet<IMethodSymbol> Reachable(IEnumerable<string> entryPoints)
    {
        var edges = _calls.ToLookup(c => c.Caller, c => c.Callee, SymbolEqualityComparer.Default);
        var reached = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        var pending = new Stack<IMethodSymbol>(entryPoints.SelectMany(name => Type.GetMembers(name).OfType<IMethodSymbol>()).Select(m => m.OriginalDefinition));
        while (pending.Count > 0)
        {
            IMethodSymbol method = pending.Pop();
            if (!reached.Add(method))
            {
                continue;
            }

            foreach (IMethodSymbol callee in edges[method])
            {
                pending.Push(callee);
            }
        }

        return reached;
    }

    public IEnumerable<ShutdownCall> ShutdownsIn(HashSet<IMethodSymbol> methods) => _shutdowns.Where(s => methods.Contains(s.Method));

    public IEnumerable<SharedWrite> WritesIn(HashSet<IMethodSymbol> methods) => _writes.Where(w => methods.Contains(w.Method));

    /// <summary>
    /// Reports the shared-state writes this handler type's request path makes, when a server with
    /// one of <paramref name="concurrencies"/> creates it (SSA003, SSA006); <paramref name="includeGuarded"/> keeps writes
    /// under a lock.
    /// </summary>
    public void ReportSharedWrites(SymbolAnalysisContext context, CompilationIndex index, string[] concurrencies, DiagnosticDescriptor rule, bool includeGuarded)
    {
        if (!Known.IsHandler(Type)
            || index.UsesOf(Type).FirstOrDefault(u => concurrencies.Contains(u.Composition.Concurrency.Name)) is not { ServerName: not null } use)
        {
            return;
        }

        var reported = new HashSet<Location>();
        foreach (SharedWrite write in WritesIn(Reachable(KnownTypes.HandlerSteps)))
        {
            if ((includeGuarded || !write.Guarded) && reported.Add(write.Location))
            {
                context.ReportDiagnostic(Diagnostic.Create(rule, write.Location, write.Method.Name, write.Member, use.ServerName, use.Composition.Concurrency.Name));
            }
        }
    }

    private void CollectInvocation(OperationAnalysisContext context)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (Method(context) is not { } caller || InsideDeferredCode(invocation))
        {
            return;
        }

        IMethodSymbol callee = invocation.TargetMethod.OriginalDefinition;
        if (Known.Shutdown is not null && SymbolEqualityComparer.Default.Equals(callee, Known.Shutdown))
        {
            _shutdowns.Enqueue(new ShutdownCall(caller, invocation.Syntax.GetLocation()));
        }
        else if (SymbolEqualityComparer.Default.Equals(callee.ContainingType, Type.OriginalDefinition))
        {
            _calls.Enqueue((caller, callee));
        }
    }

    private void CollectWrite(OperationAnalysisContext context)
    {
        IOperation target = context.Operation switch
        {
            ISimpleAssignmentOperation assignment => assignment.Target,
            ICompoundAssignmentOperation compound => compound.Target,
            ICoalesceAssignmentOperation coalesce => coalesce.Target,
            IIncrementOrDecrementOperation increment => increment.Target,
            _ => context.Operation,
        };
        if (Method(context) is not { } method || !Known.IsHandler(Type) || InsideDeferredCode(context.Operation))
        {
            return;
        }

        (ISymbol? member, IOperation? instance) = target switch
        {
            IFieldReferenceOperation field when !field.Field.IsConst => ((ISymbol?)field.Field, field.Instance),
            IPropertyReferenceOperation property => (property.Property, property.Instance),
            _ => ((ISymbol?)null, (IOperation?)null),
        };
        if (member is null || member.GetAttributes().Any(a => a.AttributeClass?.Name == "ThreadStaticAttribute"))
        {
            return;
        }

        if (member.IsStatic || Known.IsServer(instance?.Type))
        {
            string name = member.IsStatic ? $"{member.ContainingType.Name}.{member.Name}" : $"Server.{member.Name}";
            _writes.Enqueue(new SharedWrite(method, target.Syntax.GetLocation(), name, Guarded(context.Operation)));
        }
    }

    /// <summary>The method whose body holds the operation (a local function counts as part of its method).</summary>
    private static IMethodSymbol? Method(OperationAnalysisContext context)
    {
        ISymbol symbol = context.ContainingSymbol;
        while (symbol is IMethodSymbol { MethodKind: MethodKind.LocalFunction } local)
        {
            symbol = local.ContainingSymbol;
        }

        return (symbol as IMethodSymbol)?.OriginalDefinition;
    }

    private static bool InsideDeferredCode(IOperation operation)
    {
        for (IOperation? current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Inside <c>lock (...)</c>, inside <c>using (someLock.EnterScope())</c>, or after <c>using var scope = someLock.EnterScope();</c>.</summary>
    private bool Guarded(IOperation operation)
    {
        for (IOperation? current = operation; current is not null; current = current.Parent)
        {
            switch (current.Parent)
            {
                case ILockOperation:
                    return true;
                case IUsingOperation { Resources: { } resource } when EntersLockScope(resource):
                    return true;
                case IBlockOperation block:
                    foreach (IOperation statement in block.Operations)
                    {
                        if (ReferenceEquals(statement, current))
                        {
                            break;
                        }

                        if (statement is IUsingDeclarationOperation declaration && EntersLockScope(declaration.DeclarationGroup))
                        {
                            return true;
                        }
                    }

                    break;
            }
        }

        return false;
    }

    private bool EntersLockScope(IOperation resource) =>
        Known.Lock is not null && resource.DescendantsAndSelf().OfType<IInvocationOperation>().Any(i =>
            i.TargetMethod.Name == "EnterScope" && SymbolEqualityComparer.Default.Equals(i.TargetMethod.ContainingType, Known.Lock));
}
