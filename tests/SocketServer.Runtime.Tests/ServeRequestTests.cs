namespace SocketServer.Tests;

/// <summary>
/// BaseServer.ServeRequest: a request that did not come from GetRequest goes through the loop's steps, and its outcome
/// (verified, the errors that reached HandleError) completes when it has ended. DatagramRequest.SendReply is the reply seam.
/// </summary>
public sealed class ServeRequestTests
{
    private static readonly IPEndPoint Client = new(IPAddress.Loopback, 50000);

    [Fact]
    public async Task A_stream_request_is_verified_handled_and_ended_without_a_socket()
    {
        using var server = new TcpServer(Servers.LoopbackAny, () => new UpperCaseLinesHandler(), bindAndActivate: false);
        var request = new InMemoryDuplexStream("hello\n"u8.ToArray());

        RequestOutcome outcome = await server.ServeRequest(request, Client).WaitAsync(Bounded.Limit);

        Assert.True(outcome.Verified);
        Assert.Empty(outcome.Errors);
        Assert.Equal("HELLO\n"u8.ToArray(), request.Output);
        Assert.Equal(0, server.ActiveRequests);
    }

    [Fact]
    public async Task A_refused_request_is_shut_down_without_a_handler()
    {
        using var server = new StepServer(verify: false);
        var request = new InMemoryDuplexStream("hello\n"u8.ToArray());

        RequestOutcome outcome = await server.ServeRequest(request, Client).WaitAsync(Bounded.Limit);

        Assert.False(outcome.Verified);
        Assert.Empty(outcome.Errors);
        Assert.Empty(request.Output);
        Assert.Same(request, Assert.Single(server.ShutDown));
    }

    [Fact]
    public async Task A_VerifyRequest_that_throws_is_an_error_of_the_request_and_not_verified()
    {
        using var server = new StepServer(verify: null);

        RequestOutcome outcome = await server.ServeRequest(new InMemoryDuplexStream([]), Client).WaitAsync(Bounded.Limit);

        Assert.False(outcome.Verified);
        Exception error = Assert.Single(outcome.Errors);
        Assert.Same(error, Assert.Single(server.Handled));
    }

    [Fact]
    public async Task The_errors_are_those_passed_to_HandleError_even_when_it_does_not_call_the_base()
    {
        using var server = new StepServer(verify: true, handler: () => new ThrowingStreamHandler());

        RequestOutcome outcome = await server.ServeRequest(new InMemoryDuplexStream([]), Client).WaitAsync(Bounded.Limit);

        Assert.True(outcome.Verified);
        Assert.Equal("thrown by the handler", Assert.Single(outcome.Errors).Message);
        Assert.Same(outcome.Errors[0], Assert.Single(server.Handled));
    }

    [Fact]
    public void The_same_request_object_cannot_be_served_twice_at_once()
    {
        using var server = new StepServer(verify: true, holdRequests: true);
        var request = new InMemoryDuplexStream([]);
        Task<RequestOutcome> first = server.ServeRequest(request, Client);

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => { _ = server.ServeRequest(request, Client); });

        Assert.Contains("already being served", error.Message);
        Assert.False(first.IsCompleted); // ProcessRequest kept it: it has not ended
    }

    [Fact]
    public async Task A_datagram_handler_replies_through_the_requests_SendReply()
    {
        using var server = new UdpServer(Servers.LoopbackAny, () => new UpperCaseDatagramHandler(), bindAndActivate: false);
        var request = new CollectingDatagram("hello"u8.ToArray(), server.Socket);

        RequestOutcome outcome = await server.ServeRequest(request, Client).WaitAsync(Bounded.Limit);

        Assert.Empty(outcome.Errors);
        (byte[] reply, EndPoint to) = Assert.Single(request.Replies);
        Assert.Equal("HELLO"u8.ToArray(), reply);
        Assert.Same(Client, to);
    }

    private sealed record CollectingDatagram(byte[] Packet, Socket Socket) : DatagramRequest(Packet, Socket)
    {
        public List<(byte[] Reply, EndPoint To)> Replies { get; } = [];

        public override void SendReply(ReadOnlySpan<byte> reply, EndPoint clientAddress) => Replies.Add((reply.ToArray(), clientAddress));
    }

    private sealed class ThrowingStreamHandler : StreamRequestHandler
    {
        public override void Handle() => throw new InvalidOperationException("thrown by the handler");
    }

    /// <summary>A TCP server whose VerifyRequest answers as told (null: throws), and which records its HandleError and ShutdownRequest.</summary>
    private sealed class StepServer(bool? verify, Func<BaseRequestHandler>? handler = null, bool holdRequests = false)
        : TcpServer(Servers.LoopbackAny, handler ?? (() => new UpperCaseLinesHandler()), bindAndActivate: false)
    {
        public List<Exception> Handled { get; } = [];

        public List<object> ShutDown { get; } = [];

        public override bool VerifyRequest(object request, EndPoint? clientAddress) =>
            verify ?? throw new InvalidOperationException("VerifyRequest failed");

        public override void ProcessRequest(object request, EndPoint? clientAddress)
        {
            if (!holdRequests)
            {
                base.ProcessRequest(request, clientAddress);
            }
        }

        public override void HandleError(object request, EndPoint? clientAddress, Exception exception) => Handled.Add(exception);

        public override void ShutdownRequest(object request)
        {
            ShutDown.Add(request);
            base.ShutdownRequest(request);
        }
    }
}
