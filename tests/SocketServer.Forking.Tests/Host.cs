namespace SocketServer.Forking.Tests;

/// <summary>The Forking host program as a parent process: its address, its pid, its commands, and clients for it.</summary>
public sealed class Host : IDisposable
{
    private Host(ChildProcess process, string transport, EndPoint address, int parentPid)
    {
        Process = process;
        Transport = transport;
        Address = address;
        ParentPid = parentPid;
    }

    public ChildProcess Process { get; }

    public string Transport { get; }

    public EndPoint Address { get; }

    public int ParentPid { get; }

    public bool IsStream => Transport is "tcp" or "unixstream";

    public static Host Start(string transport, params string[] options) => StartWith(null, transport, options);

    /// <summary>Starts the host with extra environment variables (which its children inherit).</summary>
    public static Host StartWith(IReadOnlyDictionary<string, string>? environment, string transport, params string[] options)
    {
        // Its own process group: Dispose ends the program and everything it started, whatever the test saw.
        ChildProcess process = ChildProcess.BuiltInOwnProcessGroup(
            Path.Combine("tests", "SocketServer.Forking.Host"), "SocketServer.Forking.Host", environment, ["--transport", transport, .. options]);
        string listening = process.ReadLine();
        Assert.StartsWith("listening on ", listening);
        string address = listening["listening on ".Length..];
        EndPoint endPoint = transport.StartsWith("unix", StringComparison.Ordinal) ? new UnixDomainSocketEndPoint(address) : IPEndPoint.Parse(address);
        string parent = process.ReadLine();
        Assert.StartsWith("parent ", parent);
        return new Host(process, transport, endPoint, int.Parse(parent["parent ".Length..]));
    }

    /// <summary>Sends a command and returns the first output line that starts with <paramref name="answer"/>.</summary>
    public string Command(string command, string answer)
    {
        Process.WriteLine(command);
        return Process.ReadUntil(line => line.StartsWith(answer, StringComparison.Ordinal), answer);
    }

    /// <summary>The host's "spares" line once it reads "target <paramref name="target"/> count <paramref name="count"/>" (the host rechecks after each turn of its serving loop), or as it is after 60 s.</summary>
    public string AwaitSpares(int target, int count) => Command($"await-spares {target} {count}", "spares:");

    /// <summary>
    /// Waits (up to 60 s) until all but <paramref name="remaining"/> of the host's present children have exited, each
    /// watched by <see cref="System.Diagnostics.Process.WaitForExitAsync"/>, and returns the children then.
    /// </summary>
    public int[] WaitForChildrenToLeave(int remaining)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var watching = Children().Select(pid => ExitOf(pid, bound.Token)).ToList();
        int needed = watching.Count - remaining;
        for (int exited = 0; exited < needed && watching.Count > 0;)
        {
            Task<bool> ended = Task.WhenAny(watching).GetAwaiter().GetResult();
            watching.Remove(ended);
            exited += ended.Result ? 1 : 0;
            Assert.False(bound.IsCancellationRequested, $"children left: {string.Join(", ", Children())}");
        }

        bound.Cancel(); // stops watching the children that stay
        return Children();
    }

    /// <summary>True when the process has exited (or was gone already); false when <paramref name="cancellationToken"/> fires first.</summary>
    private static async Task<bool> ExitOf(int pid, CancellationToken cancellationToken)
    {
        System.Diagnostics.Process process;
        try
        {
            process = System.Diagnostics.Process.GetProcessById(pid);
        }
        catch (ArgumentException)
        {
            return true;
        }

        using (process)
        {
            try
            {
                await process.WaitForExitAsync(cancellationToken);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    /// <summary>One request and its whole reply.</summary>
    public string Request(string command)
    {
        if (IsStream)
        {
            using Socket connection = Connect();
            connection.Send(Encoding.UTF8.GetBytes(command + "\n"));
            return Encoding.UTF8.GetString(ReadToEnd(connection)).Trim();
        }

        using Socket datagram = Datagram();
        datagram.SendTo(Encoding.UTF8.GetBytes(command), Address);
        var reply = new byte[4096];
        return Encoding.UTF8.GetString(reply, 0, datagram.Receive(reply));
    }

    /// <summary>Sends a request and does not wait for a reply (for a stream, closes its side and reads until the server closes).</summary>
    public void SendOnly(string command)
    {
        if (IsStream)
        {
            using Socket connection = Connect();
            try
            {
                connection.Send(Encoding.UTF8.GetBytes(command + "\n"));
                connection.Shutdown(SocketShutdown.Send);
            }
            catch (SocketException gone) when (gone.SocketErrorCode is SocketError.Shutdown or SocketError.ConnectionReset)
            {
                // A refused connection can be closed before the line is sent (a Unix socket then says EPIPE): nothing to wait for.
                return;
            }

            ReadToEnd(connection);
            return;
        }

        using Socket datagram = Datagram();
        datagram.SendTo(Encoding.UTF8.GetBytes(command), Address);
    }

    public Socket Connect()
    {
        var socket = Address is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.ReceiveTimeout = 60_000;
        socket.Connect(Address);
        return socket;
    }

    public static byte[] ReadToEnd(Socket socket)
    {
        using var received = new MemoryStream();
        var buffer = new byte[4096];
        int n;
        while ((n = socket.Receive(buffer)) > 0)
        {
            received.Write(buffer, 0, n);
        }

        return received.ToArray();
    }

    /// <summary>Reads one line (up to '\n') from a connection.</summary>
    public static string ReadLine(Socket socket)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (socket.Receive(one) == 1 && one[0] != '\n')
        {
            line.Add(one[0]);
        }

        return Encoding.UTF8.GetString(line.ToArray());
    }

    /// <summary>The processes whose parent is the host (its children), from /proc.</summary>
    public int[] Children() => ChildrenOf(ParentPid);

    public static int[] ChildrenOf(int parent) =>
        ProcessTable.Read().Where(e => e.ParentPid == parent).Select(e => e.Pid).ToArray();

    public static bool IsRunning(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        try
        {
            Process.WriteLine("close");
        }
        catch (IOException)
        {
            // Already gone.
        }

        Process.Dispose();
    }

    private Socket Datagram()
    {
        Socket socket;
        if (Address is UnixDomainSocketEndPoint)
        {
            socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.Bind(new UnixDomainSocketEndPoint(Path.Combine(Path.GetTempPath(), $"fc-{Guid.NewGuid():N}"[..20] + ".sock")));
        }
        else
        {
            socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        }

        socket.ReceiveTimeout = 60_000;
        return socket;
    }
}
