using System.Net.Sockets;

/// <summary>
/// The datagram soak (UDP): each client sends a datagram of random size and waits for it back, exactly: the same
/// length and bytes. A reply not back within <see cref="SoakOptions.ReplyTimeout"/> is counted lost (UDP may drop
/// datagrams on an overloaded loopback, so loss is counted apart from mismatches); a reply to an earlier datagram
/// that comes after it was counted lost is counted late and skipped. Every
/// <see cref="SoakOptions.ReconnectEvery"/> datagrams the client takes a new socket (a new source port).
/// </summary>
internal static class DatagramSoak
{
    public static Task RunAsync(SoakOptions options, Payload payload, SoakTally tally, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, options.Connections).Select(id => Task.Run(() => ClientAsync(id, options, payload, tally, stop))));

    private static async Task ClientAsync(int id, SoakOptions options, Payload payload, SoakTally tally, CancellationToken stop)
    {
        var random = new Random(options.Seed * 7919 + id);
        byte[] message = new byte[options.MaxSize];
        byte[] reply = new byte[64 * 1024 + 1]; // room for any datagram, so a longer reply shows as longer
        long sequence = 0;
        while (!stop.IsCancellationRequested)
        {
            using Socket socket = options.Target.NewSocket();
            socket.Connect(options.Target.EndPoint); // a connected UDP socket takes replies from the server only
            tally.Opened();
            int sent = 0;
            for (; sent < options.ReconnectEvery && !stop.IsCancellationRequested; sent++)
            {
                int size = random.Next(options.MinSize, options.MaxSize + 1);
                payload.Write(message.AsSpan(0, size), id, ++sequence, random);
                await RoundTripAsync(socket, message.AsMemory(0, size), reply, id, sequence, options.ReplyTimeout, tally);
            }

            // Replies still queued came late; they are counted before the socket goes. One that comes later reaches
            // no socket, which the kernel counts (NoPorts): soak.py takes that into account.
            while (socket.Available > 0)
            {
                socket.Receive(reply);
                tally.Late();
            }

            if (sent == options.ReconnectEvery)
            {
                tally.Reconnected();
            }
        }
    }

    private static async Task RoundTripAsync(Socket socket, ReadOnlyMemory<byte> message, byte[] reply, int id, long sequence, TimeSpan lossTimeout, SoakTally tally)
    {
        using var timeout = new CancellationTokenSource(lossTimeout);
        try
        {
            await socket.SendAsync(message, SocketFlags.None, timeout.Token);
            while (true)
            {
                int length = await socket.ReceiveAsync(reply, SocketFlags.None, timeout.Token);
                (int connection, long number) = Payload.Header(reply.AsSpan(0, length));
                if (connection == id && number < sequence && number > 0)
                {
                    tally.Late();
                    continue;
                }

                int difference = Payload.FirstDifference(message.Span, reply.AsSpan(0, length));
                if (difference < 0)
                {
                    tally.Echoed(message.Length);
                }
                else
                {
                    tally.Mismatched($"client {id} datagram {sequence}: {message.Length} bytes sent, {length} back, differing from byte {difference}");
                }

                return;
            }
        }
        catch (OperationCanceledException)
        {
            tally.Lost(message.Length, $"no reply within {lossTimeout.TotalSeconds} s");
        }
        catch (SocketException error)
        {
            // ConnectionRefused: an ICMP port-unreachable came back, so nothing listens any more.
            tally.Lost(message.Length, error.SocketErrorCode.ToString());
        }
    }
}
