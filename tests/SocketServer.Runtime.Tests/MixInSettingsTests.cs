using static SocketServer.Concurrency;
using static SocketServer.Transport;

namespace SocketServer.Tests;

/// <summary>A user mix-in's settings: declared once as an interface, they appear on every server composed with it.</summary>
public sealed class MixInSettingsTests
{
    [Fact]
    public void A_user_mix_in_s_setting_is_a_server_property_with_its_declared_default_read_at_call_time()
    {
        using var server = new GreetingServer(Servers.LoopbackAny, () => new UpperCaseStreamHandler(), bindAndActivate: false);
        Assert.Equal("hello", server.Greeting);
        Assert.Equal(3, server.Repeat);

        server.Greeting = "hi";
        Assert.True(server.VerifyRequest(new object(), null));
        Assert.Equal("hi hi hi", server.GreetingMixIn.Seen);
    }

    [Fact]
    public void A_setting_the_server_declares_itself_is_the_one_the_mix_in_reads()
    {
        using var server = new DeclaredGreetingServer(Servers.LoopbackAny, () => new UpperCaseStreamHandler(), bindAndActivate: false);
        Assert.True(server.VerifyRequest(new object(), null));
        Assert.Equal("mine", server.GreetingMixIn.Seen);
    }

    [Fact]
    public void The_concurrency_mix_in_s_settings_come_from_its_interface()
    {
        using var server = new ThreadingTcpServer(Servers.LoopbackAny, () => new UpperCaseStreamHandler(), bindAndActivate: false);
        Assert.IsAssignableFrom<IThreadingSettings>(server);
        Assert.True(server.BlockOnClose);
        Assert.Null(((IConnectionLimitSettings)server).MaxConnections);
        server.MaxConnections = 3;
        Assert.Equal(3, ((IConnectionLimitSettings)server).MaxConnections);
        Assert.Same(server.ThreadingMixIn, server.ThreadingMixIn);
    }
}

/// <summary>The settings of <see cref="GreetingMixIn"/>, with the defaults every composed server starts with.</summary>
public interface IGreetingSettings
{
    [SettingDefault("hello")]
    string Greeting { get; }

    [SettingDefault(3)]
    int Repeat { get; }
}

/// <summary>Records the greeting its server's settings give when a request is verified.</summary>
public sealed class GreetingMixIn : ServerMixIn<IGreetingSettings>
{
    public string? Seen { get; private set; }

    public override bool VerifyRequest(object request, EndPoint? clientAddress)
    {
        Seen = string.Join(' ', Enumerable.Repeat(Settings.Greeting, Settings.Repeat));
        return base.VerifyRequest(request, clientAddress);
    }
}

[SocketServer(Tcp, Threading, typeof(GreetingMixIn))]
public partial class GreetingServer;

[SocketServer(Tcp, Sync, typeof(GreetingMixIn))]
public partial class DeclaredGreetingServer
{
    public string Greeting => "mine";

    public int Repeat => 1;
}
