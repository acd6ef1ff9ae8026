using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Threading;

namespace SocketServer.Internal;

/// <summary>
/// The child side of the Forking mix-in. A child is the same program started again with an invitation in its
/// environment. Its servers do not bind (the parent owns the addresses); when the program calls
/// <c>ServeForever()</c> or <c>HandleRequest()</c> on the invited server type, the child connects to the parent,
/// receives one request (the connection, or the packet and the server's socket), runs it as Python's forked child
/// does — <c>FinishRequest</c>, <c>HandleError</c> if that threw, always <c>ShutdownRequest</c> — and exits with 0, or 1
/// after an exception. A child never starts a child: <see cref="ForkingMixIn"/> sets up nothing in one, and
/// <see cref="ChildLauncher"/> refuses to start a process from one.
/// </summary>
internal static class ForkingChild
{
    /// <summary>The environment variable that carries the invitation: <c>control-name;token;spare|request;server-type</c>.</summary>
    public const string InvitationVariable = "SOCKETSERVER_FORKING_CHILD";

    private static readonly Invitation? Current = Invitation.ReadAndClear();
    private static TextWriter? _mutedOutput;
    private static int _claimed;

    /// <summary>Whether this child's warm-up request (see <see cref="ForkingWarmUp"/>) was served before it took its real one.</summary>
    public static bool WarmedUp { get; private set; }

    /// <summary>True in a process the Forking mix-in started.</summary>
    public static bool IsChild => Current is not null;

    /// <summary>
    /// Called by every server's constructor. In a child, standard output stays silent until the request runs, so
    /// what the program prints while it starts (its "listening on" line) is not printed again by every child.
    /// </summary>
    public static void OnServerCreated()
    {
        if (Current is not null && Interlocked.CompareExchange(ref _mutedOutput, Console.Out, null) is null)
        {
            Console.SetOut(TextWriter.Null);
        }
    }

    /// <summary>
    /// Runs the child's one request on the invited server and exits the process; on any other server (or a second
    /// call) waits forever, since in a child only the invited server serves.
    /// </summary>
    [SupportedOSPlatform("linux")]
    public static void Serve(BaseServer server)
    {
        Invitation invitation = Current!;
        if (server.GetType().FullName != invitation.ServerType || Interlocked.Exchange(ref _claimed, 1) == 1)
        {
            Thread.Sleep(Timeout.Infinite);
        }

        // Compile the runtime's request path now, while the spare waits, rather than on the request.
        WarmedUp = invitation.WarmUp && ForkingWarmUp.Run(server);

        Socket[] descriptors;
        RequestEnvelope envelope;
        var channel = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);

        // Started now, while the spare waits: starting a thread costs milliseconds in a young process, too much for a request.
        var requestTaken = new ManualResetEventSlim();
        WatchParent(channel, server, requestTaken);
        {
            try
            {
                channel.Connect(new UnixDomainSocketEndPoint(invitation.ControlName));
                channel.Send(invitation.Token);
                var buffer = new byte[RequestEnvelope.MaxSize];
                (int length, descriptors) = DescriptorPassing.Receive(channel, buffer);
                if (length == 0 || descriptors.Length == 0)
                {
                    // The parent closed: a spare that is no longer needed.
                    Environment.Exit(0);
                }

                envelope = RequestEnvelope.Decode(buffer.AsSpan(0, length));
            }
            catch (SocketException)
            {
                // The parent is gone or closed its server before this child was needed.
                Environment.Exit(0);
                throw;
            }
        }

        if (_mutedOutput is not null)
        {
            Console.SetOut(_mutedOutput);
        }

        requestTaken.Set();

        server.AdoptForkedAddress(envelope.ServerAddress);
        object request = envelope.Packet is { } packet ? new DatagramRequest(packet, descriptors[0]) : descriptors[0];
        int status = 1;
        try
        {
            // As Python's child: FinishRequest, HandleError if it threw, always ShutdownRequest; exit 0, or 1 after an exception.
            status = server.TryRunRequest(request, envelope.ClientAddress) ? 0 : 1;
        }
        finally
        {
            Console.Out.Flush();
            Environment.Exit(status);
        }
    }

    /// <summary>
    /// The parent keeps the channel open while its server runs; when it closes the channel (its server stopped) or
    /// dies, the child's server stops too: its <see cref="BaseServer.StoppingToken"/> fires, so a long-lived request
    /// that honours it ends with the server, as in the parent. The watcher starts before the request arrives and waits
    /// for <paramref name="requestTaken"/>: until then the channel is the request's, which the main thread receives.
    /// </summary>
    [SupportedOSPlatform("linux")]
    private static void WatchParent(Socket channel, BaseServer server, ManualResetEventSlim requestTaken)
    {
        var watcher = new Thread(() =>
        {
            requestTaken.Wait();
            try
            {
                channel.Receive(new byte[1]);
            }
            catch (SocketException)
            {
            }

            server.SignalStopping();
        })
        {
            IsBackground = true,
            Name = "SocketServer forking parent watch",
        };
        watcher.Start();
    }

    /// <summary>
    /// The invitation a parent gives a child, and how the child reads it. <paramref name="warmUp"/>: whether the child
    /// warms up before it connects (a spare, which waits anyway), or connects at once (a child started for a request
    /// that is already waiting, where warming would only delay it).
    /// </summary>
    internal sealed class Invitation(string controlName, byte[] token, string serverType, bool warmUp = true)
    {
        public string ControlName { get; } = controlName;

        public byte[] Token { get; } = token;

        public string ServerType { get; } = serverType;

        public bool WarmUp { get; } = warmUp;

        public string Encode() => $"{ControlName.Replace('\0', '@')};{Convert.ToHexString(Token)};{(WarmUp ? "spare" : "request")};{ServerType}";

        /// <summary>Reads the invitation and removes it from the environment, so processes this child starts are not invited.</summary>
        public static Invitation? ReadAndClear()
        {
            string? text = Environment.GetEnvironmentVariable(InvitationVariable);
            if (string.IsNullOrEmpty(text))
            {
                return null;
            }

            Environment.SetEnvironmentVariable(InvitationVariable, null);
            string[] parts = text.Split(';', 4);
            return parts.Length == 4 && parts[0].StartsWith('@') && parts[2] is ("spare" or "request")
                ? new Invitation('\0' + parts[0][1..], Convert.FromHexString(parts[1]), parts[3], warmUp: parts[2] == "spare")
                : null;
        }
    }
}
