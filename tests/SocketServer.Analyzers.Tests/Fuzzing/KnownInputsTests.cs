namespace SocketServer.Analyzers.Tests.Fuzzing;

/// <summary>
/// Inputs that made a plug-in throw, the generator refuse a declaration with nothing to say why, or the generated code
/// fail to compile, each through the generator, every analyzer and every code fix (see <see cref="CompilerPlugins"/>):
/// regression tests for what the fuzz and its review found.
/// </summary>
public class KnownInputsTests
{
    private const string Usings = """
        using SocketServer;
        using static SocketServer.Concurrency;
        using static SocketServer.Transport;

        public sealed class LoggingMixIn : ServerMixIn;

        public sealed class EchoHandler : StreamRequestHandler;

        """;

    public static TheoryData<string, string> Inputs() => new()
    {
        { "a null mix-in list", "[SocketServer(Tcp, Threading, null)] public partial class S;" },
        { "a null mix-in array", "[SocketServer(Tcp, Threading, (System.Type[])null)] public partial class S;" },
        { "a missing comma and parenthesis before null", "[SocketServer(UnixStream, Threading null ] public partial class S;" },
        { "a null mix-in list by name", "[SocketServer(Tcp, Sync, mixIns: null)] public partial class S;" },
        { "a null mix-in entry", "[SocketServer(Tcp, Threading, typeof(LoggingMixIn), null)] public partial class S;" },
        { "a null handler", "[SocketServer(Tcp, Handler = null)] public partial class S;" },
        { "an array type as a mix-in", "[SocketServer(Tcp, Sync, typeof(LoggingMixIn[]))] public partial class S;" },
        { "an array type as the handler", "[SocketServer(Tcp, Handler = typeof(EchoHandler[]))] public partial class S;" },
        { "a file-local class", "[SocketServer(Tcp)] file partial class S;" },
        { "a class in a file-local class", "file partial class Outer { [SocketServer(Tcp)] public partial class S; }" },
        { "an internal mix-in on a public server", "internal sealed class Internal : ServerMixIn; [SocketServer(Tcp, Sync, typeof(Internal))] public partial class S;" },
        { "an override of a step the Forking mix-in writes", "[SocketServer(Tcp, Forking)] public partial class S { public override void ServiceActions() => base.ServiceActions(); }" },
        { "an override of a step with user mix-ins", "[SocketServer(Tcp, Sync, typeof(LoggingMixIn))] public partial class S { public override void HandleTimeout() { } }" },
        { "a constructor like a generated one", "[SocketServer(Tcp, Handler = typeof(EchoHandler))] public partial class S { public S(string h, int p, bool b = true) : base(h, p, () => new EchoHandler(), b) { } }" },
        { "a primary constructor", "[SocketServer(Tcp)] public partial class S(int x) { public int X => x; }" },
        { "a setting of another type", "[SocketServer(Tcp, Forking)] public partial class S { public string MaxChildren => \"40\"; }" },
        {
            "a closed generic mix-in and handler",
            "public sealed class Generic<T> : ServerMixIn; public sealed class Lines<T> : StreamRequestHandler; " +
            "[SocketServer(Tcp, Sync, typeof(Generic<int>), Handler = typeof(Lines<string>))] public partial class S;"
        },
        { "keywords as names", "namespace @event { [SocketServer(Tcp, Sync, typeof(@struct))] public partial class @class; public sealed class @struct : ServerMixIn; }" },
        {
            "a look-alike attribute declared in source, with array arguments",
            """
            namespace SocketServer
            {
                public sealed class SocketServerAttribute(System.Type[] transport, System.Type[] concurrency) : System.Attribute
                {
                    public System.Type[]? Handler { get; set; }
                }
            }

            [SocketServer.SocketServer(new[] { typeof(int) }, new[] { typeof(int) }, Handler = new[] { typeof(int) })]
            public partial class S;
            """
        },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task Nothing_throws_and_a_refusal_is_explained(string what, string declaration)
    {
        IReadOnlyList<string> failures = await CompilerPlugins.FailuresAsync(Usings + declaration, checkGeneratedCode: true, CancellationToken.None);
        Assert.True(failures.Count == 0, $"{what}:\n{string.Join("\n", failures)}");
    }
}
