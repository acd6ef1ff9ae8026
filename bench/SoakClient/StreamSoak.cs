using System.Net.Sockets;

/// <summary>
/// The stream soak (TCP, Unix stream): each connection sends a message of random size, reads its echo back in
/// full while sending, compares every byte, and after <see cref="SoakOptions.ReconnectEvery"/> messages closes
/// cleanly (shuts down sending, expects the end of the stream and nothing more) and connects again. A connection
/// whose echo went wrong is replaced at once: after a lost or mismatched echo the stream is out of step.
/// </summary>
internal static class StreamSoak
{
    public static Task RunAsync(SoakOptions options, Payload payload, SoakTally tally, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, options.Connections).Select(id => Task.Run(() => ConnectionAsync(id, options, payload, tally, stop))));

    private static async Task ConnectionAsync(int id, SoakOptions options, Payload payload, SoakTally tally, CancellationToken stop)
    {
        var random = new Random(options.Seed * 7919 + id);
        byte[] message = new byte[options.MaxSize];
        byte[] echo = new byte[options.MaxSize];
        long sequence = 0;
        while (!stop.IsCancellationRequested)
        {
            using Socket? socket = await ConnectAsync(options, tally, stop);
            if (socket is null)
            {
                continue;
            }

            int sent = 0;
            bool inStep = true;
            while (inStep && sent < options.ReconnectEvery && !stop.IsCancellationRequested)
            {
                int size = random.Next(options.MinSize, options.MaxSize + 1);
                payload.Write(message.AsSpan(0, size), id, ++sequence, random);
                inStep = await RoundTripAsync(socket, message.AsMemory(0, size), echo, options.ReplyTimeout, tally, $"connection {id} message {sequence}");
                sent++;
            }

            if (inStep && await CloseAsync(socket, options.ReplyTimeout, tally) && sent == options.ReconnectEvery)
            {
                tally.Reconnected();
            }
        }
    }

    private static async Task<Socket?> ConnectAsync(SoakOptions options, SoakTally tally, CancellationToken stop)
    {
        Socket socket = options.Target.NewSocket();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(options.ReplyTimeout);
        try
        {
            await socket.ConnectAsync(options.Target.EndPoint, timeout.Token);
            tally.Opened();
            return socket;
        }
        catch (Exception error) when (error is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            if (!stop.IsCancellationRequested)
            {
                tally.ConnectFailed(error is SocketException socketError ? socketError.SocketErrorCode.ToString() : $"no connection within {options.ReplyTimeout.TotalSeconds} s");
                await Task.Delay(100, CancellationToken.None); // a refusing server is not hammered
            }

            return null;
        }
    }

    /// <summary>Sends the message while reading its echo; true if the echo came back whole and equal.</summary>
    private static async Task<bool> RoundTripAsync(Socket socket, ReadOnlyMemory<byte> message, byte[] echo, TimeSpan replyTimeout, SoakTally tally, string what)
    {
        using var timeout = new CancellationTokenSource(replyTimeout);
        Task sending = socket.SendAsync(message, SocketFlags.None, timeout.Token).AsTask();
        int received = 0;
        try
        {
            while (received < message.Length)
            {
                int read = await socket.ReceiveAsync(echo.AsMemory(received, message.Length - received), SocketFlags.None, timeout.Token);
                if (read == 0)
                {
                    tally.Lost(message.Length - received, "the server ended the stream before the whole echo");
                    return false;
                }

                received += read;
            }

            await sending;
        }
        catch (OperationCanceledException)
        {
            tally.Lost(message.Length - received, $"no whole echo within {replyTimeout.TotalSeconds} s");
            return false;
        }
        catch (SocketException error)
        {
            tally.Lost(message.Length - received, error.SocketErrorCode.ToString());
            return false;
        }
        finally
        {
            // A failed round trip leaves the send to end with the socket; its outcome is already counted.
            _ = sending.ContinueWith(static task => task.Exception, TaskContinuationOptions.OnlyOnFaulted);
        }

        int difference = Payload.FirstDifference(message.Span, echo.AsSpan(0, received));
        if (difference < 0)
        {
            tally.Echoed(message.Length);
            return true;
        }

        tally.Mismatched($"{what}: {message.Length} bytes, echo differs from byte {difference}");
        return false;
    }

    /// <summary>Shuts down sending and expects the end of the stream, with no byte more.</summary>
    private static async Task<bool> CloseAsync(Socket socket, TimeSpan replyTimeout, SoakTally tally)
    {
        using var timeout = new CancellationTokenSource(replyTimeout);
        byte[] rest = new byte[1024];
        try
        {
            socket.Shutdown(SocketShutdown.Send);
            int extra = 0;
            int read;
            while ((read = await socket.ReceiveAsync(rest, SocketFlags.None, timeout.Token)) > 0)
            {
                extra += read;
            }

            if (extra > 0)
            {
                tally.Mismatched($"{extra} bytes came after the last echo");
                return false;
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            tally.CloseFailed($"no end of stream within {replyTimeout.TotalSeconds} s of shutting down sending");
            return false;
        }
        catch (SocketException error)
        {
            tally.CloseFailed(error.SocketErrorCode.ToString());
            return false;
        }
    }
}
