using System;
using System.Collections.Generic;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace SocketServer.Testing;

/// <summary>
/// A client of a datagram server with no socket and no port. <see cref="Send"/> hands a datagram to your real server type
/// (create it with <c>bindAndActivate: false</c>), which serves it through its own steps (<c>VerifyRequest</c>,
/// <c>ProcessRequest</c>, the <see cref="DatagramRequestHandler"/> or <see cref="AsyncDatagramRequestHandler"/>,
/// <c>HandleError</c>, <c>ShutdownRequest</c>) with its settings and mix-ins, and returns the reply datagrams the handler sent.
/// </summary>
/// <remarks>
/// The handler's reply goes through the request's <see cref="DatagramRequest.SendReply"/>, which the datagram handlers
/// call in their <c>Finish</c>; a handler that sends on its <c>Socket</c> itself would send on the server's unbound socket.
/// A datagram longer than the server's <see cref="UdpServer.MaxPacketSize"/> is truncated, as the kernel would.
/// </remarks>
public sealed class InMemoryDatagramClient
{
    private readonly object _gate = new();
    private readonly List<Exception> _errors = [];
    private TimeSpan _timeout = InMemoryConnection.DefaultTimeout;

    /// <summary>Creates a client of <paramref name="server"/>.</summary>
    /// <param name="server">Your datagram server, created without binding; dispose it at the end of the test.</param>
    /// <param name="clientAddress">
    /// The client's address every datagram comes from; by default 127.0.0.1:50000 (::1 for an IPv6 server). A Unix datagram
    /// server needs one to reply to (an unbound client gets no reply): pass a <see cref="System.Net.Sockets.UnixDomainSocketEndPoint"/>.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="server"/> is <see langword="null"/>.</exception>
    public InMemoryDatagramClient(BaseServer server, EndPoint? clientAddress = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        Server = server;
        ClientAddress = clientAddress ?? ClientAddresses.Default(server);
    }

    /// <summary>The server the datagrams go to.</summary>
    public BaseServer Server { get; }

    /// <summary>The client address the server's steps and the handler see.</summary>
    public EndPoint? ClientAddress { get; }

    /// <summary>
    /// How long <see cref="Send"/> waits for the request to end before it throws a <see cref="TimeoutException"/>:
    /// <see cref="InMemoryConnection.DefaultTimeout"/> unless set.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative (other than infinite).</exception>
    public TimeSpan Timeout
    {
        get => _timeout;
        set => _timeout = HarnessTimeout.Validate(value);
    }

    /// <summary>How the last datagram's request ended; <see langword="null"/> before the first.</summary>
    public RequestOutcome? LastOutcome { get; private set; }

    /// <summary>The exceptions that reached the server's <c>HandleError</c> for this client's datagrams so far, in order.</summary>
    public IReadOnlyList<Exception> Errors
    {
        get
        {
            lock (_gate)
            {
                return _errors.ToArray();
            }
        }
    }

    /// <summary>Sends a datagram and waits until the server has handled it.</summary>
    /// <param name="datagram">The datagram's bytes.</param>
    /// <returns>The datagrams the handler sent back (a <see cref="DatagramRequestHandler"/> sends one, possibly empty; none if the request was refused or failed before its <c>Finish</c>).</returns>
    /// <exception cref="TimeoutException">The request did not end within <see cref="Timeout"/>.</exception>
    public IReadOnlyList<byte[]> Send(ReadOnlySpan<byte> datagram)
    {
        (InMemoryDatagram request, Task<RequestOutcome> served) = Start(datagram);
        if (!served.Wait(Timeout))
        {
            throw NotHandled("Send()", request);
        }

        return Ended(request, served.Result);
    }

    /// <summary><see cref="Send"/> without blocking a thread.</summary>
    /// <param name="datagram">The datagram's bytes.</param>
    /// <param name="cancellationToken">Cancels the wait (not the request).</param>
    /// <returns>The datagrams the handler sent back.</returns>
    /// <exception cref="TimeoutException">The request did not end within <see cref="Timeout"/>.</exception>
    public async Task<IReadOnlyList<byte[]>> SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken = default)
    {
        (InMemoryDatagram request, Task<RequestOutcome> served) = Start(datagram.Span);
        RequestOutcome outcome;
        try
        {
            outcome = await served.WaitAsync(Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw NotHandled("SendAsync()", request);
        }

        return Ended(request, outcome);
    }

    private (InMemoryDatagram Request, Task<RequestOutcome> Served) Start(ReadOnlySpan<byte> datagram)
    {
        int limit = Server is UdpServer udp ? udp.MaxPacketSize : datagram.Length;
        var request = new InMemoryDatagram(datagram[..Math.Min(limit, datagram.Length)].ToArray(), Server.Socket);

        // On a thread of its own, as the serving loop would call it: a server without a concurrency mix-in runs the whole
        // request inside ServeRequest, and the wait for it must stay bounded.
        Task<RequestOutcome> served = Task.Factory.StartNew(
            () => Server.ServeRequest(request, ClientAddress),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap();
        return (request, served);
    }

    private IReadOnlyList<byte[]> Ended(InMemoryDatagram request, RequestOutcome outcome)
    {
        lock (_gate)
        {
            _errors.AddRange(outcome.Errors);
            LastOutcome = outcome;
        }

        return request.Replies;
    }

    private TimeoutException NotHandled(string call, InMemoryDatagram request) => new(
        $"{call} waited {(Timeout == System.Threading.Timeout.InfiniteTimeSpan ? "forever" : $"{Timeout.TotalSeconds:0.###} s")} for " +
        $"{Server.GetType().Name} to handle a {request.Packet.Length}-byte datagram, and its handler is still running " +
        $"({request.Replies.Count} replies sent so far). Raise InMemoryDatagramClient.Timeout if the handler needs longer.");
}
