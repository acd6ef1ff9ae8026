using System;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace SocketServer.Internal;

/// <summary>
/// Where a Forking server's children connect to receive their requests: a Unix seqpacket listener in the Linux
/// abstract namespace (no file to clean up). A connection is accepted only if its first message is this server's
/// random token and its peer process (<c>SO_PEERCRED</c>) is one the server started; anything else is closed.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class ControlChannel : IDisposable
{
    private readonly Socket _listener;
    private readonly Thread _acceptor;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<Socket>> _connections = new();
    private volatile bool _disposed;

    public ControlChannel()
    {
        Token = RandomNumberGenerator.GetBytes(32);
        Name = AbstractSocketName.Unique("forking");
        _listener = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        try
        {
            _listener.Bind(new UnixDomainSocketEndPoint(Name));
            _listener.Listen();
        }
        catch
        {
            _listener.Dispose();
            throw;
        }

        _acceptor = new Thread(AcceptChildren) { IsBackground = true, Name = "SocketServer forking control" };
        _acceptor.Start();
    }

    /// <summary>The abstract socket name (starting with <c>'\0'</c>).</summary>
    public string Name { get; }

    /// <summary>The secret a child proves it was invited with.</summary>
    public byte[] Token { get; }

    /// <summary>The channel of child process <paramref name="pid"/>, once it has connected.</summary>
    public Task<Socket> ConnectionOf(int pid) => _connections.GetOrAdd(pid, NewSlot).Task;

    /// <summary>Forgets a child (it exited, or was abandoned) and closes its channel, which tells a running child to stop.</summary>
    public void Forget(int pid)
    {
        if (_connections.TryRemove(pid, out TaskCompletionSource<Socket>? slot) && slot.Task.IsCompletedSuccessfully)
        {
            slot.Task.Result.Dispose();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _listener.Dispose();
        foreach (int pid in _connections.Keys)
        {
            Forget(pid);
        }
    }

    private static TaskCompletionSource<Socket> NewSlot(int pid) => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void AcceptChildren()
    {
        while (!_disposed)
        {
            Socket connection;
            try
            {
                connection = _listener.Accept();
            }
            catch (SocketException) when (!_disposed)
            {
                continue;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            try
            {
                connection.ReceiveTimeout = 10_000;
                var token = new byte[Token.Length + 1];
                int length = connection.Receive(token);
                if (length != Token.Length || !CryptographicOperations.FixedTimeEquals(token.AsSpan(0, length), Token))
                {
                    connection.Dispose();
                    continue;
                }

                connection.ReceiveTimeout = 0;
                int pid = DescriptorPassing.PeerProcessId(connection);
                if (!_connections.GetOrAdd(pid, NewSlot).TrySetResult(connection))
                {
                    connection.Dispose();
                }
            }
            catch (SocketException)
            {
                connection.Dispose();
            }
        }
    }
}
