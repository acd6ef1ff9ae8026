using SocketServer.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace SocketServer.Analyzers.Tests;

/// <summary>SSA007: compositions the generator cannot build.</summary>
public class InvalidCompositionTests
{
    private const string Support = """

        public sealed class Lines : StreamRequestHandler { }
        public abstract class AbstractLines : StreamRequestHandler { }
        public sealed class NeedsArgument(int value) : StreamRequestHandler { public int Value => value; }
        public sealed class Logging : ServerMixIn { }
        public abstract class AbstractMixIn : ServerMixIn { }
        public sealed class ConfiguredMixIn(string name) : ServerMixIn { public string Name => name; }
        public sealed class GenericMixIn<T> : ServerMixIn { }
        """;

    private const string NullMixInList = "the mix-in list is null: name mix-ins with typeof(MyMixIn), or leave the argument out for none";

    private const string NullMixInEntry = "a mix-in entry is null: name a mix-in with typeof(MyMixIn), or remove the entry";

    private static DiagnosticResult Error(int marker, string server, string problem) =>
        new DiagnosticResult("SSA007", DiagnosticSeverity.Error).WithLocation(marker).WithArguments(server, problem);

    [Fact]
    public Task Mix_ins_listed_twice_or_that_do_not_fit() =>
        Verify.AnalyzerAsync<InvalidCompositionAnalyzer>(
            """
            [SocketServer(Tcp, Threading, typeof(Logging), {|#0:typeof(Logging)|}, {|#1:typeof(ThreadingMixIn)|}, {|#2:typeof(string)|}, {|#3:typeof(AbstractMixIn)|}, {|#4:typeof(ConfiguredMixIn)|}, {|#5:typeof(GenericMixIn<>)|})]
            public partial class S;

            [SocketServer(Udp, Sync, {|#6:typeof(ForkingMixIn)|})]
            public partial class T;
            """ + Support,
            Error(0, "S", "the mix-in 'Logging' is listed twice: remove the second 'typeof(Logging)'"),
            Error(1, "S", "'ThreadingMixIn' is a concurrency mix-in, not a user mix-in: remove 'typeof(ThreadingMixIn)' and put Threading in the concurrency position: [SocketServer(Tcp, Threading)]"),
            Error(2, "S", "'String' is not a ServerMixIn: name a class derived from ServerMixIn, or remove the entry"),
            Error(3, "S", "'AbstractMixIn' is abstract, so the server cannot create it with 'new AbstractMixIn()': name a concrete class derived from it"),
            Error(4, "S", "'ConfiguredMixIn' has no public parameterless constructor, so the server cannot create it with 'new ConfiguredMixIn()': give it a public parameterless constructor (a mix-in reads its settings from the server, not from constructor arguments)"),
            Error(5, "S", "'GenericMixIn' is an open generic type: give its type arguments, e.g. 'typeof(GenericMixIn<int>)'"),
            Error(6, "T", "'ForkingMixIn' is a concurrency mix-in, not a user mix-in: remove 'typeof(ForkingMixIn)' and put Forking in the concurrency position: [SocketServer(Udp, Forking)]"));

    [Theory]
    [InlineData("typeof(int)", "'Int32' is not a request handler: name a class derived from StreamRequestHandler (or AsyncStreamRequestHandler)")]
    [InlineData("typeof(AbstractLines)", "'AbstractLines' is abstract, so the server cannot create it with 'new AbstractLines()': name a concrete class derived from it")]
    [InlineData("typeof(NeedsArgument)", "'NeedsArgument' has no public parameterless constructor, so the server cannot create it with 'new NeedsArgument()': drop 'Handler =' and pass a factory to the constructor: 'new S(address, () => new NeedsArgument(...))'")]
    public Task Handlers_that_do_not_fit(string handler, string problem) =>
        Verify.AnalyzerAsync<InvalidCompositionAnalyzer>(
            $$"""
            [SocketServer(Tcp, {|#0:Handler = {{handler}}|})]
            public partial class S;
            """ + Support,
            Error(0, "S", problem));

    [Fact]
    public Task A_second_concurrency_mix_in_through_the_base_class() =>
        Verify.AnalyzerAsync<InvalidCompositionAnalyzer>(
            """
            [{|#0:SocketServer(Tcp, Forking)|}]
            public partial class S : ThreadingTcpServer
            {
                public S() : base(new IPEndPoint(IPAddress.Loopback, 0), () => new Lines(), false) { }
            }

            [{|#1:SocketServer(Tcp)|}]
            public partial class T : UdpServer
            {
                public T() : base(new IPEndPoint(IPAddress.Loopback, 0), () => new Lines(), false) { }
            }
            """ + Support,
            Error(0, "S", "its base class 'ThreadingTcpServer' already composes the Threading mix-in, and a server has one concurrency mix-in: remove ': ThreadingTcpServer' and choose the concurrency in the attribute, e.g. [SocketServer(Tcp, Threading)]"),
            Error(1, "T", "its base class 'UdpServer' is not 'TcpServer', the server class of that transport: remove ': UdpServer' (the generator derives the class from 'TcpServer' itself); for a UDP server, name Udp in the attribute instead"));

    [Fact]
    public Task Out_of_range_arguments_and_types_that_cannot_be_servers() =>
        Verify.AnalyzerAsync<InvalidCompositionAnalyzer>(
            """
            [SocketServer({|#0:(Transport)7|}, {|#1:(Concurrency)(-1)|})]
            public partial class S;

            [{|#2:SocketServer(Tcp)|}]
            public static partial class Helpers;

            [{|#3:SocketServer(Udp)|}]
            public partial record Message;
            """ + Support,
            Error(0, "S", "7 is not a Transport: name one of Tcp, Udp, UnixStream or UnixDatagram"),
            Error(1, "S", "-1 is not a Concurrency: name one of Sync, Threading, Forking or Async"),
            Error(2, "Helpers", "a static class cannot be a server, which is an object the program creates: remove 'static' (write 'public partial class Helpers')"),
            Error(3, "Message", "a record cannot derive from a server class: declare a class ('public partial class Message') and keep any data in its properties"));

    [Fact]
    public Task A_null_mix_in_list() =>
        Verify.AnalyzerAsync<InvalidCompositionAnalyzer>(
            """
            [SocketServer(Tcp, Threading, {|#0:null|})]
            public partial class S { public bool DaemonThreads => true; }

            [SocketServer(Udp, Sync, {|#1:(System.Type[])null|})]
            public partial class T;
            """ + Support,
            Error(0, "S", NullMixInList),
            Error(1, "T", NullMixInList));

    /// <summary>A missing comma and parenthesis: the parser's recovery reads the same null mix-in list.</summary>
    [Fact]
    public Task A_null_mix_in_list_from_a_typo() =>
        Verify.AnalyzerAsync<InvalidCompositionAnalyzer>(
            """
            [SocketServer(UnixStream, Threading {|#0:{|CS1003:null|}|} {|CS1026:]|}
            public partial class S { public bool DaemonThreads => true; }
            """ + Support,
            Error(0, "S", "the mix-in list is null: a comma is missing before 'null', so 'null' is read as the whole mix-in list; remove 'null', or name mix-ins with typeof(MyMixIn)"));

    [Fact]
    public Task A_null_mix_in_entry() =>
        Verify.AnalyzerAsync<InvalidCompositionAnalyzer>(
            """
            [SocketServer(Tcp, Sync, typeof(Logging), {|#0:null|})]
            public partial class S;
            """ + Support,
            Error(0, "S", NullMixInEntry));

    [Fact]
    public Task A_null_handler() =>
        Verify.AnalyzerAsync<InvalidCompositionAnalyzer>(
            """
            [SocketServer(Tcp, {|#0:Handler = null|})]
            public partial class S;
            """ + Support,
            Error(0, "S", "the handler is null: name one with 'Handler = typeof(MyHandler)', or drop 'Handler =' and pass a factory to the constructor: 'new S(address, () => new MyHandler())'"));

    /// <summary>Found by the fuzz: an array type is a type, but not a class the server can create.</summary>
    [Fact]
    public Task A_mix_in_or_handler_that_is_not_a_named_type() =>
        Verify.AnalyzerAsync<InvalidCompositionAnalyzer>(
            """
            [SocketServer(Tcp, Sync, {|#0:typeof(int[])|})]
            public partial class S;

            [SocketServer(Udp, {|#1:Handler = typeof(Lines[])|})]
            public partial class T;
            """ + Support,
            Error(0, "S", "'int[]' is not a ServerMixIn: name a class derived from ServerMixIn, or remove the entry"),
            Error(1, "T", "'Lines[]' is not a request handler: name a class derived from DatagramRequestHandler (or AsyncDatagramRequestHandler)"));

    /// <summary>Found by writing the fuzz's oracle: the generator cannot add a part to a file-local class from its own file.</summary>
    [Fact]
    public Task A_file_local_class_or_a_class_in_one() =>
        Verify.AnalyzerAsync<InvalidCompositionAnalyzer>(
            """
            [{|#0:SocketServer(Tcp)|}]
            file partial class S;

            file partial class Outer
            {
                [{|#1:SocketServer(Udp)|}]
                public partial class T;
            }
            """ + Support,
            Error(0, "S", "a file-local class cannot be a server: the generator adds the rest of the class in a file of its own; replace 'file' with 'internal'"),
            Error(1, "T", "it is declared in file-local 'Outer', and the generator adds the rest of the class in a file of its own; replace 'file' on 'Outer' with 'internal', or move the server out of it"));

    [Fact]
    public Task Valid_compositions_and_a_pragma() =>
        Verify.AnalyzerAsync<InvalidCompositionAnalyzer>(
            """
            [SocketServer(Tcp, Threading, typeof(Logging), Handler = typeof(Lines))]
            public partial class Good { public bool DaemonThreads => true; }

            [SocketServer(Tcp, Handler = typeof(Lines))]
            public partial class ExplicitBase : TcpServer;

            #pragma warning disable SSA007
            [SocketServer(Tcp, Handler = typeof(int))]
            public partial class Suppressed;
            #pragma warning restore SSA007
            """ + Support);
}
