// The ThreadingMixIn example from the Python docs, in C#: a server loop on one thread, one more thread per
// request, three clients, then a clean shutdown.
//
//   dotnet run --project samples/ThreadedTcp
using SocketServer.Samples;
using static SocketServer.Concurrency;
using static SocketServer.Transport;

var options = SampleOptions.Parse(args);
using var server = new ThreadedTcpServer(options.Host, options.Port);
Console.WriteLine($"listening on {server.ServerAddress}");
var endpoint = (IPEndPoint)server.ServerAddress;

// Start a thread with the server; that thread will then start one more thread for each request.
var serverThread = new Thread(() => server.ServeForever())
{
    Name = "server loop",

    // Exit the server thread when the main thread ends.
    IsBackground = true,
};
serverThread.Start();
Console.WriteLine($"Server loop running in thread: {serverThread.Name}");

Client(endpoint.Address, endpoint.Port, "Hello World 1");
Client(endpoint.Address, endpoint.Port, "Hello World 2");
Client(endpoint.Address, endpoint.Port, "Hello World 3");

server.Shutdown();

static void Client(IPAddress ip, int port, string message)
{
    using var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
    socket.Connect(ip, port);
    socket.Send(Encoding.ASCII.GetBytes(message));
    var buffer = new byte[1024];
    string response = Encoding.ASCII.GetString(buffer, 0, socket.Receive(buffer));
    Console.WriteLine($"Received: {response}");
}

/// <summary>Python's <c>class ThreadedTCPServer(ThreadingMixIn, TCPServer): pass</c>, composed by the generator.</summary>
[SocketServer(Tcp, Threading, Handler = typeof(ThreadedTcpRequestHandler))]
internal sealed partial class ThreadedTcpServer
{
    // The docs ask every threading server to decide what happens to running requests at exit; these are
    // short, so the process may wait for them. Declaring the setting here replaces the generated one.
    public bool DaemonThreads => false;
}

internal sealed class ThreadedTcpRequestHandler : BaseRequestHandler
{
    public override void Handle()
    {
        var socket = (Socket)Request;
        var buffer = new byte[1024];
        string data = Encoding.ASCII.GetString(buffer, 0, socket.Receive(buffer));
        socket.Send(Encoding.ASCII.GetBytes($"{Thread.CurrentThread.Name}: {data}"));
    }
}
