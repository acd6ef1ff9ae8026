namespace SocketServer.Generators.Tests;

/// <summary>
/// The generated code for every transport × concurrency pair and for each declaration shape, checked against
/// snapshots, and compiled: no errors anywhere and no warnings (documentation included) in generated code.
/// </summary>
public class SnapshotTests
{
    private const string Handlers = """
        public sealed class EchoHandler : StreamRequestHandler
        {
            public override void Handle() => WFile.Write(RFile.ReadLine());
        }

        public sealed class LoggingMixIn : ServerMixIn
        {
        }

        public sealed class AllowListMixIn : ServerMixIn
        {
        }

        """;

    public static TheoryData<string, string> Pairs()
    {
        var data = new TheoryData<string, string>();
        foreach (string transport in new[] { "Tcp", "Udp", "UnixStream", "UnixDatagram" })
        {
            foreach (string concurrency in new[] { "Sync", "Threading", "Forking", "Async" })
            {
                data.Add(transport + concurrency, $$"""
                    namespace Shop;

                    [SocketServer({{transport}}, {{concurrency}})]
                    public partial class Server;
                    """);
            }
        }

        return data;
    }

    public static TheoryData<string, string> Shapes() => new()
    {
        {
            "Handler", """
            namespace Shop;

            [SocketServer(Tcp, Threading, Handler = typeof(EchoHandler))]
            public partial class EchoServer;
            """
        },
        {
            "UserMixIns", """
            namespace Shop;

            [SocketServer(Tcp, Threading, typeof(LoggingMixIn), typeof(AllowListMixIn), Handler = typeof(EchoHandler))]
            public partial class GuardedServer;
            """
        },
        {
            "UserMixInWithFactory", """
            namespace Shop;

            [SocketServer(Udp, Sync, typeof(LoggingMixIn))]
            public partial class LoggedServer;
            """
        },
        {
            // A user mix-in with settings: the server implements its interface with a property per setting, at the declared default.
            "UserMixInWithSettings", """
            namespace Shop;

            public interface IPoolSettings
            {
                [SettingDefault(4)]
                int Workers { get; }

                [SettingDefault("pool")]
                string Name { get; }

                System.TimeSpan? IdleTimeout { get; }
            }

            public sealed class PoolMixIn : ServerMixIn<IPoolSettings>
            {
                public override void ProcessRequest(object request, System.Net.EndPoint? clientAddress) => Server.RunRequest(request, clientAddress);
            }

            [SocketServer(Tcp, Sync, typeof(PoolMixIn))]
            public partial class PooledServer;
            """
        },
        {
            "Nested", """
            namespace Shop;

            public static partial class Outer
            {
                internal partial class Middle<T>
                {
                    [SocketServer(UnixStream, Threading)]
                    private partial class Server;
                }
            }
            """
        },
        {
            "Generic", """
            namespace Shop;

            [SocketServer(Tcp, Threading, Handler = typeof(EchoHandler))]
            public partial class Server<TState>
                where TState : class
            {
                public TState? State { get; set; }
            }
            """
        },
        {
            "BlockNamespace", """
            namespace Shop.Inner
            {
                [SocketServer(Udp, Threading)]
                internal partial class Server;
            }
            """
        },
        {
            "GlobalNamespace", """
            [SocketServer(UnixDatagram)]
            public partial class Server;
            """
        },
        {
            "Sealed", """
            namespace Shop;

            [SocketServer(Tcp, Threading, typeof(LoggingMixIn))]
            public sealed partial class Server;
            """
        },
        {
            "Abstract", """
            namespace Shop;

            [SocketServer(UnixStream, Forking)]
            public abstract partial class Server;
            """
        },
        {
            "UserDeclaredSettings", """
            namespace Shop;

            [SocketServer(Tcp, Threading, typeof(LoggingMixIn))]
            public partial class Server
            {
                public bool DaemonThreads => true;

                public int MaxConnections => 64;

                public LoggingMixIn LoggingMixIn => new();

                public virtual System.Threading.Thread CreateRequestThread(System.Threading.ThreadStart body) => new(body, 256 * 1024);
            }
            """
        },
        {
            // Names the generator steps around: its private fields are numbered past the user's, and the mix-in's property,
            // whose name a member of another type has, is numbered too.
            "NamesTaken", """
            namespace Shop;

            [SocketServer(Tcp, Threading, typeof(LoggingMixIn))]
            public partial class Server
            {
                private readonly int __threading = 1;

                private readonly int __mixIn0 = 2;

                public bool DaemonThreads => true;

                public int LoggingMixIn => __threading + __mixIn0;
            }
            """
        },
        {
            // A constructor and a step the generated part would write too: it leaves them out (SSA008 reports them).
            "CollidingMembersLeftOut", """
            namespace Shop;

            [SocketServer(Tcp, Async, Handler = typeof(EchoHandler))]
            public partial class Server
            {
                public Server(string host, int port, bool bindAndActivate = true)
                    : base(host, port, static () => new EchoHandler(), bindAndActivate)
                {
                }

                public override void ServerClose() => base.ServerClose();
            }
            """
        },
        {
            "ExplicitBase", """
            namespace Shop;

            [SocketServer(Tcp, Handler = typeof(EchoHandler))]
            public partial class Server : TcpServer;
            """
        },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Every_transport_and_concurrency_pair(string name, string declaration) => VerifyAndCompile(name, declaration);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_declaration_shape(string name, string declaration) => VerifyAndCompile(name, declaration);

    private static void VerifyAndCompile(string name, string declaration)
    {
        var (result, output) = GeneratorHarness.Run(GeneratorHarness.Usings + declaration, GeneratorHarness.Usings + Handlers);
        GeneratorHarness.AssertDidNotThrow(result);
        GeneratedSourceResult generated = Assert.Single(Assert.Single(result.Results).GeneratedSources);

        Snapshot.Verify(name, generated.SourceText.ToString());
        Assert.Empty(GeneratorHarness.Problems(output, result));
    }
}

/// <summary>The documentation shows the generated file for its example; it must be the generator's real output.</summary>
public class DocumentationTests
{
    [Fact]
    public void The_generated_file_in_the_documentation_is_the_snapshot()
    {
        string root = Path.GetFullPath(Path.Combine(SnapshotDirectory(), "..", "..", ".."));
        string readme = File.ReadAllText(Path.Combine(root, "docs", "generated-code.md")).Replace("\r\n", "\n");
        string snapshot = File.ReadAllText(Path.Combine(SnapshotDirectory(), "Handler.verified.cs")).Replace("\r\n", "\n");
        Assert.Contains("```csharp\n" + snapshot + "```", readme);
    }

    private static string SnapshotDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Path.Combine(Path.GetDirectoryName(path)!, "Snapshots");
}
