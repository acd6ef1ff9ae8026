namespace SocketServer.Generators.Tests;

/// <summary>
/// The generator never throws. Declarations it cannot compose produce nothing (the analyzers explain why); a
/// valid declaration still composes when the file has errors elsewhere. Random mutations of whole files, through
/// the generator, the analyzers and the code fixes together, are in SocketServer.Analyzers.Tests' Fuzzing folder.
/// </summary>
public class RobustnessTests
{
    private const string Support = GeneratorHarness.Usings + """
        public sealed class EchoHandler : StreamRequestHandler
        {
            public override void Handle() => WFile.Write(RFile.ReadLine());
        }

        public abstract class AbstractHandler : StreamRequestHandler
        {
        }

        public sealed class NeedsArgumentHandler(int value) : StreamRequestHandler
        {
            public int Value => value;
        }

        public sealed class LoggingMixIn : ServerMixIn
        {
        }

        public class GenericHandler<T> : StreamRequestHandler
        {
        }

        public partial class NotPartialOuterIsFine
        {
        }
        """;

    public static TheoryData<string, string> Uncomposable() => new()
    {
        { "no arguments", "[SocketServer()] public partial class S;" },
        { "a number for the transport", "[SocketServer(42)] public partial class S;" },
        { "an out-of-range concurrency", "[SocketServer(Tcp, (Concurrency)9)] public partial class S;" },
        { "an out-of-range transport", "[SocketServer((Transport)(-1))] public partial class S;" },
        { "a string argument", "[SocketServer(\"tcp\")] public partial class S;" },
        { "not partial", "[SocketServer(Tcp)] public class S { }" },
        { "nested in a type that is not partial", "public class Outer { [SocketServer(Tcp)] public partial class S; }" },
        { "a struct", "[SocketServer(Tcp)] public partial struct S;" },
        { "a record", "[SocketServer(Tcp)] public partial record S;" },
        { "a static class", "[SocketServer(Tcp)] public static partial class S;" },
        { "an interface", "[SocketServer(Tcp)] public partial interface S;" },
        { "a handler that is not a handler", "[SocketServer(Tcp, Handler = typeof(int))] public partial class S;" },
        { "an abstract handler", "[SocketServer(Tcp, Handler = typeof(AbstractHandler))] public partial class S;" },
        { "a handler without a parameterless constructor", "[SocketServer(Tcp, Handler = typeof(NeedsArgumentHandler))] public partial class S;" },
        { "an open generic handler", "[SocketServer(Tcp, Handler = typeof(GenericHandler<>))] public partial class S;" },
        { "a null handler", "[SocketServer(Tcp, Handler = null)] public partial class S;" },
        { "an unknown handler", "[SocketServer(Tcp, Handler = typeof(NoSuchHandler))] public partial class S;" },
        { "a mix-in that is not a mix-in", "[SocketServer(Tcp, Threading, typeof(string))] public partial class S;" },
        { "a mix-in listed twice", "[SocketServer(Tcp, Threading, typeof(LoggingMixIn), typeof(LoggingMixIn))] public partial class S;" },
        { "an unknown mix-in", "[SocketServer(Tcp, Threading, typeof(NoSuchMixIn))] public partial class S;" },
        { "another base class", "[SocketServer(Tcp)] public partial class S : System.Exception;" },
        { "the wrong transport's base class", "[SocketServer(Tcp)] public partial class S : UdpServer;" },
        { "an unknown base class", "[SocketServer(Tcp)] public partial class S : NoSuchBase;" },
        { "the attribute on two parts", "[SocketServer(Tcp)] public partial class S; [SocketServer(Udp)] public partial class S;" },
        { "a file-local class", "[SocketServer(Tcp)] file partial class S;" },
        { "an unknown named argument", "[SocketServer(Tcp, Handlr = typeof(EchoHandler))] public partial class S;" },
        { "a null mix-in list", "[SocketServer(Tcp, Threading, null)] public partial class S;" },
        { "a null mix-in array", "[SocketServer(Tcp, Threading, (System.Type[])null)] public partial class S;" },
        { "a null mix-in list from a missing comma and parenthesis", "[SocketServer(UnixStream, Threading null ] public partial class S;" },
        { "a null mix-in entry", "[SocketServer(Tcp, Threading, typeof(LoggingMixIn), null)] public partial class S;" },
        { "a null mix-in entry in an array", "[SocketServer(Tcp, Threading, new System.Type[] { null })] public partial class S;" },
        { "an array type as a mix-in", "[SocketServer(Tcp, Threading, typeof(LoggingMixIn[]))] public partial class S;" },
        { "an array type as the handler", "[SocketServer(Tcp, Handler = typeof(EchoHandler[]))] public partial class S;" },
        { "nested in a file-local class", "file partial class Outer { [SocketServer(Tcp)] public partial class S; }" },
        {
            "a look-alike attribute declared in source, with array arguments",
            "namespace SocketServer { public sealed class SocketServerAttribute(System.Type[] transport, System.Type[] concurrency) : System.Attribute; } " +
            "[SocketServer.SocketServer(new[] { typeof(int) }, new[] { typeof(int) })] public partial class S;"
        },
    };

    [Theory]
    [MemberData(nameof(Uncomposable))]
    public void A_declaration_that_cannot_be_composed_produces_nothing(string what, string declaration)
    {
        var (result, _) = GeneratorHarness.Run(GeneratorHarness.Usings + declaration, Support);
        GeneratorHarness.AssertDidNotThrow(result);
        Assert.True(result.GeneratedTrees.IsEmpty, $"Generated code for {what}.");
    }

    [Fact]
    public void Errors_elsewhere_in_the_file_do_not_stop_a_valid_declaration()
    {
        const string source = GeneratorHarness.Usings + """
            namespace Shop;

            public class Broken
            {
                public void M( { int x = ; }
            }

            [SocketServer(Tcp, Threading, Handler = typeof(EchoHandler))]
            public partial class EchoServer;

            public class AlsoBroken : NoSuchType
            """;
        var (result, _) = GeneratorHarness.Run(source, Support);
        GeneratorHarness.AssertDidNotThrow(result);
        Assert.Equal("Shop.EchoServer.g.cs", Path.GetFileName(Assert.Single(result.GeneratedTrees).FilePath));
    }

    /// <summary>A namespace named '@event' once made the hint name '@event.Shop.S.g.cs', which Roslyn rejects (CS8785).</summary>
    [Fact]
    public void Keywords_used_as_names_compose_into_code_that_compiles()
    {
        const string source = GeneratorHarness.Usings + """
            namespace @event.Shop
            {
                public sealed class @struct : ServerMixIn;

                [SocketServer(Tcp, Threading, typeof(@struct))]
                public partial class @class
                {
                    public bool DaemonThreads => true;
                }

                public partial class @base<@int>
                {
                    [SocketServer(Udp)]
                    public partial class S;
                }
            }
            """;
        var (result, output) = GeneratorHarness.Run(source, Support);
        GeneratorHarness.AssertDidNotThrow(result);
        Assert.Equal(
            ["event.Shop.base`1.S.g.cs", "event.Shop.class.g.cs"],
            result.GeneratedTrees.Select(t => Path.GetFileName(t.FilePath)).Order(StringComparer.Ordinal));
        Assert.Empty(GeneratorHarness.Problems(output, result));
    }

    /// <summary>
    /// Found by the fuzz: a public server with an internal mix-in got a public property of the mix-in's type (CS0053).
    /// The property is as accessible as its type allows: public, internal, or private.
    /// </summary>
    [Fact]
    public void Mix_ins_less_accessible_than_the_server_compose_into_code_that_compiles()
    {
        const string source = GeneratorHarness.Usings + """
            namespace Shop;

            internal sealed class InternalMixIn : ServerMixIn;

            public partial class Outer
            {
                private sealed class PrivateMixIn : ServerMixIn;

                protected internal sealed class ProtectedInternalMixIn : ServerMixIn;

                [SocketServer(Tcp, Threading, typeof(InternalMixIn), typeof(PrivateMixIn), typeof(ProtectedInternalMixIn), typeof(LoggingMixIn))]
                public partial class S
                {
                    public bool DaemonThreads => true;
                }
            }
            """;
        var (result, output) = GeneratorHarness.Run(source, Support);
        GeneratorHarness.AssertDidNotThrow(result);
        string generated = Assert.Single(result.GeneratedTrees).ToString();
        Assert.Contains("internal global::Shop.InternalMixIn InternalMixIn =>", generated);
        Assert.Contains("private global::Shop.Outer.PrivateMixIn PrivateMixIn =>", generated);
        Assert.Contains("internal global::Shop.Outer.ProtectedInternalMixIn ProtectedInternalMixIn =>", generated);
        Assert.Contains("public global::LoggingMixIn LoggingMixIn =>", generated);
        Assert.Empty(GeneratorHarness.Problems(output, result));
    }

    /// <summary>
    /// A closed generic mix-in or handler: its property is no more accessible than its type arguments, and the
    /// documentation references its generic definition as a cref can (<c>Generic{T}</c>: a '&lt;' is bad XML, CS1570,
    /// and a type argument is not a cref, CS1584).
    /// </summary>
    [Fact]
    public void Closed_generic_mix_ins_and_handlers_compose_into_code_that_compiles()
    {
        const string source = GeneratorHarness.Usings + """
            namespace Shop;

            internal sealed class InternalMixIn : ServerMixIn;

            public sealed class Generic<T> : ServerMixIn;

            [SocketServer(Tcp, Sync, typeof(Generic<InternalMixIn>), Handler = typeof(GenericHandler<int>))]
            public partial class S;
            """;
        var (result, output) = GeneratorHarness.Run(source, Support);
        GeneratorHarness.AssertDidNotThrow(result);
        string generated = Assert.Single(result.GeneratedTrees).ToString();
        Assert.Contains("internal global::Shop.Generic<global::Shop.InternalMixIn> Generic =>", generated);
        Assert.Contains("<see cref=\"global::Shop.Generic{T}\"/>", generated);
        Assert.Contains("<see cref=\"global::GenericHandler{T}\"/>", generated);
        Assert.Empty(GeneratorHarness.Problems(output, result));
    }

    [Fact]
    public void Hint_names_are_stable_and_distinct_for_nested_and_generic_types()
    {
        const string source = GeneratorHarness.Usings + """
            namespace Shop;

            [SocketServer(Tcp)] public partial class S;
            [SocketServer(Tcp)] public partial class S<T>;
            [SocketServer(Tcp)] public partial class S<T, U>;
            public partial class Outer { [SocketServer(Udp)] public partial class S; }
            public partial class Outer<T> { [SocketServer(Udp)] public partial class S; }
            """;
        var (result, output) = GeneratorHarness.Run(source, Support);
        GeneratorHarness.AssertDidNotThrow(result);
        Assert.Equal(
            ["Shop.Outer.S.g.cs", "Shop.Outer`1.S.g.cs", "Shop.S.g.cs", "Shop.S`1.g.cs", "Shop.S`2.g.cs"],
            result.GeneratedTrees.Select(t => Path.GetFileName(t.FilePath)).Order(StringComparer.Ordinal));
        Assert.Empty(GeneratorHarness.Problems(output, result));
    }
}
